/**
 * Legacy Excel 97–2003 (.xls, BIFF8) and WPS .et workbooks, read with the maintained SheetJS build
 * (@e965/xlsx). Imported only when such a file is picked (session.ts uses import()), so the app's
 * first page and the .xlsx path never load it. SheetJS reads a workbook whole, which is fine here:
 * .xls holds at most 65,536 rows and the file passed the same size limit as any other.
 * Cells go into the same CellStore as the streaming readers, with the same number-format rules
 * (dates, percentages, zero-padded IDs as shown), so everything after reading is the same.
 */
import { CellStore, Tag, UNKNOWN_PLACES } from './cells'
import { Cancelled, FileError, LIMITS } from './errors'
import { classifyFormat, formatShown, StyleKind } from './styles'
import { isColumnSum, type Merge } from './xlsx-read'

export interface LegacySheet {
  index: number
  name: string
  hidden: boolean
  /** null when the sheet is not a worksheet (a chart sheet). */
  store: CellStore | null
  merges: Merge[]
  preview: string[][]
}

export interface LegacyWorkbook { sheets: LegacySheet[] }

interface SheetCell { t: string; v?: unknown; w?: string; z?: string | number; f?: string }

export async function readLegacyWorkbook(file: Blob, isCancelled: () => boolean): Promise<LegacyWorkbook> {
  const XLSX = await import('@e965/xlsx')
  const data = new Uint8Array(await file.arrayBuffer())
  if (isCancelled()) throw new Cancelled()
  let wb: ReturnType<typeof XLSX.read>
  try {
    // cellNF: each cell's number format (dates, IDs shown with zeros); cellStyles: hidden rows and columns.
    wb = XLSX.read(data, { type: 'array', dense: true, cellNF: true, cellStyles: true, cellDates: false, sheetRows: LIMITS.maxRows + 1 })
  } catch (e) {
    const text = String((e as Error)?.message ?? e)
    if (/password|encrypt/i.test(text)) throw new FileError('password_protected')
    throw new FileError('not_a_spreadsheet', { detail: text.slice(0, 200) })
  }
  const date1904 = !!wb.Workbook?.WBProps?.date1904
  const sheets: LegacySheet[] = wb.SheetNames.map((name, index) => {
    const ws = wb.Sheets[name]
    const meta = wb.Workbook?.Sheets?.[index]
    const hidden = !!meta && (meta.Hidden === 1 || meta.Hidden === 2)
    if (!ws || (ws as { '!type'?: string })['!type'] === 'chart' || !ws['!ref']) return { index, name, hidden, store: ws && ws['!ref'] ? null : emptyStore(), merges: [], preview: [] }
    return { index, name, hidden, ...sheetStore(XLSX, ws, date1904) }
  })
  if (sheets.length === 0) throw new FileError('no_sheets')
  return { sheets }
}

function emptyStore(): CellStore {
  return new CellStore(16)
}

type SheetJs = typeof import('@e965/xlsx')
type Sheet = import('@e965/xlsx').WorkSheet

function sheetStore(XLSX: SheetJs, ws: Sheet, date1904: boolean): { store: CellStore; merges: Merge[]; preview: string[][] } {
  const range = XLSX.utils.decode_range(ws['!ref'] as string)
  if (range.e.r - range.s.r + 1 > LIMITS.maxRows) throw new FileError('too_many_rows', { limit: LIMITS.maxRows })
  if (range.e.c + 1 > LIMITS.maxColumns) throw new FileError('too_many_columns', { limit: LIMITS.maxColumns })
  const store = new CellStore(Math.min(range.e.r + 2, 1 << 16))
  store.date1904 = date1904
  const dense = (ws as unknown as { '!data'?: Array<Array<SheetCell | undefined> | undefined> })['!data'] ?? []
  const rowsMeta = (ws['!rows'] ?? []) as Array<{ hidden?: boolean } | undefined>
  const colsMeta = (ws['!cols'] ?? []) as Array<{ hidden?: boolean } | undefined>
  colsMeta.forEach((c, i) => { if (c?.hidden) store.hiddenColumns.add(i) })
  for (let r = range.s.r; r <= range.e.r; r++) {
    const cells = dense[r]
    if (!cells) continue
    const row = store.addRow(r + 1)
    if (rowsMeta[r]?.hidden) store.hiddenRows.add(r + 1)
    let any = false
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c]
      if (!cell) continue
      if (putCell(store, row, c, cell, XLSX)) any = true
      if (typeof cell.f === 'string' && isColumnSum(cell.f)) store.sumRows.add(r + 1)
    }
    if (!any) store.dropLastRow()
  }
  const merges: Merge[] = (ws['!merges'] ?? []).map((m) => ({ top: m.s.r + 1, left: m.s.c, bottom: m.e.r + 1, right: m.e.c }))
  const preview: string[][] = []
  for (let r = 0; r < Math.min(6, store.rowCount); r++) preview.push(store.row(r).map((v) => (v === null ? '' : String(v))))
  return { store, merges, preview }
}

/** One SheetJS cell into the store, read as the streaming .xlsx reader would; false when it holds nothing. */
function putCell(store: CellStore, row: number, col: number, cell: SheetCell, XLSX: SheetJs): boolean {
  const text = (s: string): boolean => {
    if (s === '') return false
    if (s.length > LIMITS.maxCellChars) throw new FileError('cell_too_large', { cell: `${XLSX.utils.encode_col(col)}${store.sheetRows[row]}`, limit: LIMITS.maxCellChars })
    store.set(row, col, Tag.String, store.addString(s))
    return true
  }
  switch (cell.t) {
    case 'n': {
      const n = cell.v as number
      if (typeof n !== 'number' || Number.isNaN(n)) return false
      const format = typeof cell.z === 'string' ? cell.z : typeof cell.z === 'number' ? String(XLSX.SSF.get_table()[cell.z] ?? 'General') : 'General'
      const kind = classifyFormat(format)
      if (kind === StyleKind.Shown) {
        const shown = formatShown(n, format)
        if (shown !== null) return text(shown)
      }
      const tag = kind === StyleKind.Date ? Tag.Date : kind === StyleKind.DateTime ? Tag.DateTime : kind === StyleKind.Time ? Tag.Time
        : kind === StyleKind.Percent ? Tag.Percent : Tag.Number
      store.set(row, col, tag, n, UNKNOWN_PLACES)
      return true
    }
    case 's':
      return text(String(cell.v ?? ''))
    case 'b':
      store.set(row, col, Tag.Bool, cell.v ? 1 : 0)
      return true
    case 'e':
      return text(cell.w ?? '')
    case 'd':
      return text(String(cell.w ?? cell.v ?? ''))
    default:
      return false
  }
}
