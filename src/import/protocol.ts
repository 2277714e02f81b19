/** Messages between the main thread (client.ts) and the import worker (worker.ts). */
import type { Issue } from '../domain/issues'
import type { CellValue, Locale, TargetSchema } from '../domain/target'
import type { FileErrorCode } from './errors'
import type { ChosenEncoding, TextEncodingName } from './encoding'
import type { HeaderLayout } from './header'
import type { ColumnMatch, MappingProposal, SavedMapping } from './mapping'
import type { Inflater } from './zip'
import type { ReadStats } from './xlsx-read'

/** How to read, for benchmarks comparing the ways (the app leaves both to their defaults). */
export interface ReadTuning {
  inflater?: Inflater
}

export interface Progress {
  phase: 'open' | 'strings' | 'cells' | 'validate' | 'write'
  /** Bytes (or rows in 'validate') done and in total. */
  done: number
  total: number
  rows: number
  elapsedMs: number
  /** Rows per second so far. */
  rate: number
  /** Estimated time left, or null when unknown. */
  etaMs: number | null
}

export interface SheetChoice {
  index: number
  name: string
  hidden: boolean
  readable: boolean
  preview: string[][]
}

export interface OpenResult {
  /** `feishu`: a pasted Feishu Sheet or Base link (feishu-read.ts). */
  kind: 'xlsx' | 'csv' | 'xls' | 'feishu'
  fileName: string
  fileSize: number
  sheets: SheetChoice[]
  encoding: TextEncodingName | null
  encodingExact: boolean
  delimiter: string | null
  /** Set when the file had one sheet (or was CSV) and was read straight away. */
  sheet: SheetResult | null
}

export interface SheetResult {
  sheetIndex: number
  sheetName: string
  /** Data rows (below the header). */
  rowCount: number
  columnCount: number
  layout: HeaderLayout
  /** First rows as text, for choosing the header row by hand. */
  head: string[][]
  /** Sheet row numbers of `head`. */
  headRows: number[]
  proposal: MappingProposal
  /** Sheet columns hidden in Excel (0-based). */
  hiddenColumns: number[]
  readMs: number
  /** Where reading spent its time (xlsx only): for the bench and for support. */
  /** Where the read's time went (bench figures): see ReadSheetResult.stats; bootMs = worker start to open, bookMs = zip directory and workbook parts. */
  readStats: (ReadStats & { bootMs: number; bookMs: number }) | null
}

/** A row left out of the import because it is not an employee (domain/row-kinds.ts). */
export interface LeftOutRow { row: number; sheetRow: number; kind: 'total' | 'label'; text: string }

export interface Summary {
  /** Rows in the import: read, minus deleted, minus left out. */
  rows: number
  deleted: number
  /** Total and label rows left out (the person can include each by hand). */
  leftOut: number
  /** The first of them (at most 100). */
  left: LeftOutRow[]
  /** Rows in the import that are hidden in Excel (each also has a hidden_row warning). */
  hiddenRows: number
  errors: number
  warnings: number
  rowsWithErrors: number
  rowsWithWarnings: number
  validRows: number
  byCode: Record<string, number>
  /** Rows with an error per field code ('' = whole-row issues). */
  byField: Record<string, number>
  validateMs: number
}

export type RowFilter = 'all' | 'errors' | 'issues'
export type RowOrder = 'sheet' | 'errorsFirst'

export interface RowView {
  /** 0-based data row. */
  row: number
  /** Row number in the sheet as the person sees it in Excel. */
  sheetRow: number
  /** Raw values of the mapped fields, keyed by field code (after edits). */
  cells: Record<string, CellValue>
  /** What will be sent for each of them (the normalised wire value; null = nothing). */
  values: Record<string, string | null>
  issues: Issue[]
}

export interface RowsPage { total: number; start: number; rows: RowView[] }

export type BulkFix =
  | { kind: 'trim'; fields?: string[] }
  | { kind: 'halfWidth'; fields?: string[] }
  | { kind: 'dateFormat'; fields?: string[]; order?: 'dmy' | 'mdy' }
  /** Deletes every row hidden in Excel. */
  | { kind: 'skipHidden'; fields?: undefined }

export interface RowResult {
  row: number
  status: 'written' | 'failed' | 'skipped'
  /** Feishu error code, e.g. 2500014. */
  code?: string | number
  message?: string
  hint?: string
}

export interface ResultLabels {
  status: string
  code: string
  message: string
  hint: string
  written: string
  failed: string
  skipped: string
  error: string
  warning: string
  ok: string
  sheetName: string
  /** Status of a row left out as a total or label (default: `skipped`), and why, per kind. */
  notImported?: string
  leftKind?: { total: string; label: string }
}

export interface Requests {
  /** Starts the worker's inflate helper ahead of a file (ImportClient.warm); answers once it is up. */
  warm: { args: Record<string, never>; result: { helper: boolean } }
  open: { args: { file: Blob; fileName: string; schema: TargetSchema; saved: SavedMapping | null; tuning?: ReadTuning }; result: OpenResult }
  /** Reads a pasted Feishu Sheet / Base link through the server (endpoint from src/api). */
  openFeishu: { args: { link: string; endpoint: string; schema: TargetSchema; saved: SavedMapping | null }; result: OpenResult }
  chooseSheet: { args: { index: number }; result: SheetResult }
  setHeader: { args: { headerRow: number; depth: 1 | 2 }; result: SheetResult }
  applyMapping: { args: { matches: ColumnMatch[] }; result: Summary }
  rows: { args: { filter: RowFilter; order: RowOrder; start: number; count: number }; result: RowsPage }
  editCell: { args: { row: number; field: string; value: CellValue }; result: { summary: Summary; rows: RowView[] } }
  bulkFix: { args: { fix: BulkFix }; result: { changed: number; summary: Summary } }
  deleteRows: { args: { rows: number[] }; result: Summary }
  includeRow: { args: { row: number }; result: Summary }
  reread: { args: { encoding: ChosenEncoding }; result: Pick<OpenResult, 'encoding' | 'encodingExact' | 'delimiter' | 'sheet'> }
  exportValues: { args: { includeInvalid: boolean }; result: { json: ArrayBuffer; count: number } }
  resultWorkbook: { args: { locale: Locale; labels: ResultLabels; results: RowResult[] | null }; result: { xlsx: ArrayBuffer } }
  templateWorkbook: { args: { schema: TargetSchema; locale: Locale }; result: { xlsx: ArrayBuffer } }
}

export type Op = keyof Requests

export interface RequestMessage<K extends Op = Op> { id: number; op: K; args: Requests[K]['args'] }

export type ResponseMessage =
  | { id: number; type: 'result'; result: unknown }
  | { id: number; type: 'progress'; progress: Progress }
  | { id: number; type: 'error'; error: { code: FileErrorCode | 'bad_request'; params: Record<string, string | number> } }
