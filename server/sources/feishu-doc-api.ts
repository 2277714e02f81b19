// The Feishu document-reading calls, typed as their docs answer (server/sandbox/README.md "Documents").
// Every call takes the person's user token; nothing here is called with the app's identity.
import type { FeishuHttp } from '../feishu/http'

interface Wrapped<T> { code: number; msg: string; data: T }

export interface WikiNode { node_token: string; obj_token: string; obj_type: string; title?: string }
export interface SheetMeta {
  sheet_id: string
  title: string
  index?: number
  hidden?: boolean
  resource_type?: string
  grid_properties?: { row_count?: number; column_count?: number; frozen_row_count?: number }
  merges?: Array<{ start_row_index: number; end_row_index: number; start_column_index: number; end_column_index: number }>
}
export interface BaseField { field_id: string; field_name: string; type: number; ui_type?: string; property?: Record<string, unknown> | null }
export interface BaseRecord { record_id: string; fields: Record<string, unknown> }
/** A contact v3 user, as far as the reader needs one (fields present only with their scopes). */
export interface ContactUser { user_id?: string; open_id?: string; name?: string; employee_no?: string }
export interface Paged<T> { items?: T[]; has_more?: boolean; page_token?: string; total?: number }

export interface FeishuDocApi {
  /** wiki-v2 get_node: the document a wiki node holds. */
  wikiNode(token: string, nodeToken: string): Promise<WikiNode>
  /** sheets-v3 spreadsheet get: the title. */
  spreadsheet(token: string, spreadsheetToken: string): Promise<{ title: string }>
  /** sheets-v3 sheets/query: every sheet with its size and merged ranges. */
  sheets(token: string, spreadsheetToken: string): Promise<SheetMeta[]>
  /**
   * sheets-v2 读取单个范围, computed values (formulas as their values), dates as shown; `shown`:
   * every cell as the person sees it (FormattedValue), for numbers displayed through a format.
   */
  values(token: string, spreadsheetToken: string, range: string, shown?: boolean): Promise<unknown[][]>
  /**
   * The same read (computed values, dates as shown), answered as Feishu's answer bytes, unparsed,
   * to be passed on as they are: a big sheet's answers are then never decoded, parsed or written again.
   */
  valuesAnswer(token: string, spreadsheetToken: string, range: string): Promise<Uint8Array>
  fields(token: string, appToken: string, tableId: string, viewId: string | null, pageToken?: string): Promise<Paged<BaseField>>
  /** `idType`: how person fields give each person's id (records search's user_id_type). */
  records(token: string, appToken: string, tableId: string, viewId: string | null, pageSize: number, pageToken?: string, idType?: 'open_id' | 'user_id'): Promise<Paged<BaseRecord>>
  /** contact-v3 批量获取用户信息: up to 50 users by user ID (people outside the person's contact range are left out). */
  users(token: string, userIds: readonly string[]): Promise<ContactUser[]>
}

export function feishuDocApi(http: FeishuHttp): FeishuDocApi {
  const get = async <T,>(token: string, path: string, query?: Record<string, string | number | readonly string[] | undefined>) =>
    (await http.call<Wrapped<T>>({ method: 'GET', path, token, query })).data.data
  const enc = encodeURIComponent
  return {
    async wikiNode(token, nodeToken) {
      return (await get<{ node: WikiNode }>(token, '/open-apis/wiki/v2/spaces/get_node', { token: nodeToken })).node
    },
    async spreadsheet(token, s) {
      return (await get<{ spreadsheet: { title: string } }>(token, `/open-apis/sheets/v3/spreadsheets/${enc(s)}`)).spreadsheet
    },
    async sheets(token, s) {
      return (await get<{ sheets: SheetMeta[] }>(token, `/open-apis/sheets/v3/spreadsheets/${enc(s)}/sheets/query`)).sheets ?? []
    },
    async values(token, s, range, shown = false) {
      // UnformattedValue: numbers as numbers and formulas as their results (never the formula text),
      // so a money cell shown rounded keeps its value as an .xlsx would; FormattedValue: as shown.
      // FormattedString: dates as the person sees them, not as serial numbers.
      const data = await get<{ valueRange: { values?: unknown[][] } }>(token, `/open-apis/sheets/v2/spreadsheets/${enc(s)}/values/${enc(range)}`, {
        valueRenderOption: shown ? 'FormattedValue' : 'UnformattedValue', dateTimeRenderOption: 'FormattedString',
      })
      return data.valueRange?.values ?? []
    },
    async valuesAnswer(token, s, range) {
      const { bytes } = await http.callBytes({
        method: 'GET', path: `/open-apis/sheets/v2/spreadsheets/${enc(s)}/values/${enc(range)}`, token,
        query: { valueRenderOption: 'UnformattedValue', dateTimeRenderOption: 'FormattedString' },
      })
      return bytes
    },
    fields(token, appToken, tableId, viewId, pageToken) {
      return get<Paged<BaseField>>(token, `/open-apis/bitable/v1/apps/${enc(appToken)}/tables/${enc(tableId)}/fields`, {
        page_size: 100, page_token: pageToken, view_id: viewId ?? undefined,
      })
    },
    async records(token, appToken, tableId, viewId, pageSize, pageToken, idType = 'open_id') {
      const res = await http.call<Wrapped<Paged<BaseRecord>>>({
        method: 'POST', path: `/open-apis/bitable/v1/apps/${enc(appToken)}/tables/${enc(tableId)}/records/search`, token,
        query: { page_size: pageSize, page_token: pageToken, user_id_type: idType },
        body: viewId ? { view_id: viewId } : {},
      })
      return res.data.data
    },
    async users(token, userIds) {
      // user_ids is repeated in the query (user_ids=a&user_ids=b), as the API documents it.
      const data = await get<{ items?: ContactUser[] }>(token, '/open-apis/contact/v3/users/batch', { user_ids: userIds, user_id_type: 'user_id' })
      return data.items ?? []
    },
  }
}
