/**
 * What the server streams to the import worker while it reads a Feishu Sheet or Base table
 * (POST /api/sources/feishu/read): one JSON object a line (NDJSON). A cell is what the person sees
 * in Feishu as plain JSON: numbers as numbers, text as text (text that looks like a number, e.g.
 * 007123, stays text), dates as the text Feishu shows (yyyy/MM/dd), booleans as booleans.
 */
export type SourceCell = string | number | boolean | null

/**
 * A cell of a sheet's values answer as the person reads it: numbers, text and booleans as they are;
 * rich text, mentions and links (segment lists or objects) as their text. Used by the server on the
 * answers it parses and by the import worker on those passed on unparsed.
 */
export function sourceCellOf(v: unknown): SourceCell {
  if (v === null || v === undefined || v === '') return null
  const t = typeof v
  if (t === 'number' || t === 'string' || t === 'boolean') return v as SourceCell
  if (Array.isArray(v)) return v.map((s) => (s && typeof s === 'object' ? String((s as { text?: unknown }).text ?? (s as { link?: unknown }).link ?? '') : String(s ?? ''))).join('') || null
  if (typeof v === 'object') {
    const o = v as { text?: unknown; link?: unknown }
    return typeof o.text === 'string' ? o.text : typeof o.link === 'string' ? o.link : null
  }
  return null
}

/**
 * How a Base person field (人员, 创建人, 修改人) is written into the rows, as the target identifies
 * people: by work email (payroll resolves it to the employee), by user ID, or by employee number
 * (attendance, as its report identifies members). A person Feishu does not resolve keeps their name,
 * so the row shows an unknown member rather than someone else.
 */
export type PersonAs = 'email' | 'user_id' | 'employee_no'
export const PERSON_AS: readonly PersonAs[] = ['email', 'user_id', 'employee_no']

/** A merged range, 1-based sheet rows and 0-based columns (as the file readers' merges). */
export interface SourceMerge { top: number; left: number; bottom: number; right: number }

export type SourceErrorCode =
  /** The text is not a link, or not a Feishu link. */
  | 'not_a_link'
  /** A Feishu link, but to neither a Sheet nor a Base table (a doc, a mind note, a folder …). */
  | 'not_a_sheet_or_table'
  /** Feishu says the person may not read this document (ask its owner to share it). */
  | 'no_access'
  /** The document does not exist, or was deleted. */
  | 'not_found'
  /** The sheet, table or view of the link is not in the document (any more). */
  | 'part_not_found'
  /** Bigger than Feishu answers, or than the import takes. */
  | 'too_large'
  /** Feishu refused to read a protected range. */
  | 'protected'
  /** The app lacks a Feishu permission (scope) to read documents; `scopes` names it. */
  | 'scope_missing'
  /** The person's Feishu authorization ended mid-read. */
  | 'reauth'
  /** Feishu could not be reached (after retries). */
  | 'unavailable'
  /** Feishu refused for another reason (its code is given). */
  | 'rejected'

export const SOURCE_ERROR_CODES: readonly SourceErrorCode[] = [
  'not_a_link', 'not_a_sheet_or_table', 'no_access', 'not_found', 'part_not_found', 'too_large', 'protected', 'scope_missing', 'reauth', 'unavailable', 'rejected',
]

export type SourceLine =
  | { type: 'meta'; kind: 'sheet' | 'base'; title: string; part: string; totalRows: number; columns: number; merges: SourceMerge[] }
  /**
   * `start`: the 1-based sheet row of rows[0] (Base: row 1 is the field names). A sheet's rows may
   * come as Feishu wrote them (trailing empty cells, rich text as objects): read each with sourceCellOf.
   */
  | { type: 'rows'; start: number; rows: SourceCell[][] }
  /** A sheet's rows inside Feishu's values answer, passed on by the server as it came. */
  | { type: 'rows'; start: number; answer: { data?: { valueRange?: { values?: unknown[][] } } } }
  | { type: 'progress'; rowsRead: number; totalRows: number }
  | { type: 'error'; code: SourceErrorCode; feishuCode?: number; scopes?: string[] }
  | { type: 'done'; rowsRead: number }
