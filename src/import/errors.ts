/**
 * Why a file could not be read. A closed union so the UI can say plainly what happened and what
 * to do (messages in src/i18n under import.fileError.*); the worker is ended after any of these.
 */
export type FileErrorCode =
  | 'empty_file'
  | 'password_protected'
  | 'legacy_xls'
  | 'corrupt_zip'
  | 'zip_bomb'
  | 'too_many_rows'
  | 'too_many_columns'
  | 'cell_too_large'
  | 'file_too_large'
  | 'not_a_spreadsheet'
  | 'html_disguised'
  | 'no_sheets'
  | 'sheet_empty'
  | 'no_header'
  | 'worker_crashed'
  // Reading a pasted Feishu link (feishu-read.ts; src/domain/feishu-source.ts says what each means).
  | 'feishu_not_a_link'
  | 'feishu_not_a_sheet_or_table'
  | 'feishu_no_access'
  | 'feishu_not_found'
  | 'feishu_part_not_found'
  | 'feishu_too_large'
  | 'feishu_protected'
  | 'feishu_scope_missing'
  | 'feishu_reauth'
  | 'feishu_unavailable'
  | 'feishu_rejected'

export const FILE_ERROR_CODES: readonly FileErrorCode[] = [
  'empty_file', 'password_protected', 'legacy_xls', 'corrupt_zip', 'zip_bomb', 'too_many_rows', 'too_many_columns',
  'cell_too_large', 'file_too_large', 'not_a_spreadsheet', 'html_disguised', 'no_sheets', 'sheet_empty', 'no_header',
  'worker_crashed', 'feishu_not_a_link', 'feishu_not_a_sheet_or_table', 'feishu_no_access', 'feishu_not_found', 'feishu_part_not_found',
  'feishu_too_large', 'feishu_protected', 'feishu_scope_missing', 'feishu_reauth', 'feishu_unavailable', 'feishu_rejected',
]

export class FileError extends Error {
  constructor(
    readonly code: FileErrorCode,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${code} ${JSON.stringify(params)}`)
    this.name = 'FileError'
  }
}

/** Thrown inside the reader when the person cancels; never shown as an error. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled')
    this.name = 'Cancelled'
  }
}

/** Limits a file must stay within. Excel itself stops at 1,048,576 rows, 16,384 columns and 32,767 characters a cell. */
export const LIMITS = {
  maxRows: 1_000_000,
  maxColumns: 16_384,
  maxCellChars: 32_767,
  maxFileBytes: 200 * 1024 * 1024,
  /** Uncompressed size allowed for one zip entry, and the ratio above which a small entry is a bomb. */
  maxEntryBytes: 1536 * 1024 * 1024,
  maxRatio: 1000,
}
