import * as lark from '@larksuiteoapi/node-sdk'
import { describe, expect, it } from 'vitest'
import type { RunningSandbox } from '../../server/sandbox/index'
import { DOC_TOKENS } from '../../server/sandbox/seed/documents'
import { ALL_USER_SCOPES, call, SANDBOX_APP_ID, SANDBOX_APP_SECRET, sandboxPerFile, userToken, type FeishuBody } from './helpers'

let sb: RunningSandbox
let tat: string
sandboxPerFile((s, t) => { sb = s; tat = t })

const DOC_SCOPES = [...ALL_USER_SCOPES, 'sheets:spreadsheet:readonly', 'bitable:app:readonly', 'wiki:wiki:readonly']
const tokenOf = (user: string, scopes = DOC_SCOPES) => userToken(sb, user, scopes)
const values = async (token: string, range: string, query: Record<string, string> = {}) =>
  call<FeishuBody<{ valueRange: { range: string; values: unknown[][] } }>>(sb, 'GET', `/open-apis/sheets/v2/spreadsheets/${DOC_TOKENS.oddSheet}/values/${encodeURIComponent(range)}`, { token, query })

describe('sheets: metadata and value ranges (读取单个范围)', () => {
  it('renders a range as each valueRenderOption / dateTimeRenderOption asks', async () => {
    const t = await tokenOf('zhangwei')
    const row = async (q: Record<string, string>) => (await values(t, 'odd001!A3:F3', q)).body.data!.valueRange.values[0]
    expect(await row({ valueRenderOption: 'UnformattedValue', dateTimeRenderOption: 'FormattedString' })).toEqual(['FS00001', '王芳', 22, 21, '2021/03/15', '007123'])
    expect(await row({ valueRenderOption: 'UnformattedValue' })).toEqual(['FS00001', '王芳', 22, 21, 44270, '007123'])
    expect((await row({ valueRenderOption: 'Formula' }))?.[3]).toBe('=C3-1')
    expect((await values(t, 'odd001!A3:F3')).body.data!.valueRange.range).toBe('odd001!A3:F3')
  })

  it('lists the sheets with their size and merged ranges', async () => {
    const r = await call<FeishuBody<{ sheets: Array<{ sheet_id: string; grid_properties: { row_count: number }; merges: unknown[] }> }>>(sb, 'GET', `/open-apis/sheets/v3/spreadsheets/${DOC_TOKENS.oddSheet}/sheets/query`, { token: await tokenOf('zhangwei') })
    expect(r.body.data!.sheets.map((s) => s.sheet_id)).toEqual(['odd001', 'odd002', 'odd003'])
    expect(r.body.data!.sheets[0]!.merges).toContainEqual({ start_row_index: 0, end_row_index: 0, start_column_index: 2, end_column_index: 3 })
  })

  it('refuses a person the document was not shared with, a deleted one, a bad range, and a token without the scope', async () => {
    expect((await values(await tokenOf('liuyang'), 'odd001!A1:B2')).body.code).toBe(1310213)
    const gone = await call(sb, 'GET', `/open-apis/sheets/v3/spreadsheets/${DOC_TOKENS.deletedSheet}`, { token: await tokenOf('wangfang') })
    expect(gone.body.code).toBe(1310214)
    expect((await values(await tokenOf('zhangwei'), 'odd001!A1:ZZZZ')).body.code).toBe(1310202)
    expect((await values(await tokenOf('zhangwei'), 'nosuch!A1:B2')).body.code).toBe(1310215)
    // Grants accumulate per person, so someone who never granted the document scopes.
    expect((await values(await tokenOf('sunli', ALL_USER_SCOPES), 'odd001!A1:B2')).body.code).toBe(99991679)
  })

  it('answers at most the configured number of bytes (the documented 10 MB), 1310221 past it', async () => {
    sb.setKnobs({ sheetValuesMaxBytes: 100 })
    expect((await values(await tokenOf('zhangwei'), 'odd001!A1:F5')).body.code).toBe(1310221)
  })

  it('builds the 100,000-row sheet cell by cell, without holding it', async () => {
    const r = await call<FeishuBody<{ valueRange: { values: unknown[][] } }>>(sb, 'GET', `/open-apis/sheets/v2/spreadsheets/${DOC_TOKENS.bigSheet}/values/${encodeURIComponent(`${DOC_TOKENS.bigSheetId}!A100000:C100001`)}`, { token: await tokenOf('wangfang') })
    expect(r.body.data!.valueRange.values).toEqual([['E099999', '员工99999', expect.any(Number)], ['E100000', '员工100000', expect.any(Number)]])
  })
})

describe('wiki get_node and Base fields / records search', () => {
  it('answers the document a wiki node holds, to those who may read it', async () => {
    const r = await call<FeishuBody<{ node: { obj_token: string; obj_type: string } }>>(sb, 'GET', '/open-apis/wiki/v2/spaces/get_node', { token: await tokenOf('lina'), query: { token: DOC_TOKENS.wikiPayroll } })
    expect(r.body.data!.node).toMatchObject({ obj_token: DOC_TOKENS.payrollSheet, obj_type: 'sheet' })
    expect((await call(sb, 'GET', '/open-apis/wiki/v2/spaces/get_node', { token: await tokenOf('liuyang'), query: { token: DOC_TOKENS.wikiPayroll } })).body.code).toBe(131006)
  })

  it('pages records by 500 with page_token, within a view when asked, and refuses page_size over 500', async () => {
    const t = await tokenOf('wangfang')
    const path = `/open-apis/bitable/v1/apps/${DOC_TOKENS.payrollBase}/tables/${DOC_TOKENS.pagingBaseTable}/records/search`
    const seen: string[] = []
    let page: string | undefined
    let pages = 0
    do {
      const r = await call<FeishuBody<{ items: Array<{ record_id: string }>; has_more: boolean; page_token?: string; total: number }>>(sb, 'POST', path, { token: t, body: {}, query: { page_size: 500, ...(page ? { page_token: page } : {}) } })
      seen.push(...r.body.data!.items.map((i) => i.record_id))
      page = r.body.data!.has_more ? r.body.data!.page_token : undefined
      pages++
    } while (page)
    expect(pages).toBe(3)
    expect(new Set(seen).size).toBe(1234)
    const view = await call<FeishuBody<{ total: number }>>(sb, 'POST', path, { token: t, body: { view_id: DOC_TOKENS.salesView }, query: { page_size: 500 } })
    expect(view.body.data!.total).toBe(1111)
    expect((await call(sb, 'POST', path, { token: t, body: {}, query: { page_size: 501 } })).body.code).toBe(1254000)
    expect((await call(sb, 'POST', path, { token: await tokenOf('liuyang'), body: {} })).body.code).toBe(1254302)
  })

  it('is what the official node SDK sends and reads (a person’s token)', async () => {
    const client = new lark.Client({ appId: SANDBOX_APP_ID, appSecret: SANDBOX_APP_SECRET, domain: sb.url, loggerLevel: lark.LoggerLevel.fatal })
    const t = await tokenOf('wangfang')
    const fields = await client.bitable.v1.appTableField.list({ path: { app_token: DOC_TOKENS.payrollBase, table_id: DOC_TOKENS.payrollBaseTable } }, lark.withUserAccessToken(t))
    expect(fields.data?.items?.map((f) => [f.field_name, f.type])).toContainEqual(['结算日期', 5])
    const records = await client.bitable.v1.appTableRecord.search({ path: { app_token: DOC_TOKENS.payrollBase, table_id: DOC_TOKENS.payrollBaseTable }, params: { page_size: 500 }, data: {} }, lark.withUserAccessToken(t))
    expect(records.data?.items).toHaveLength(8)
    const node = await client.wiki.v2.space.getNode({ params: { token: DOC_TOKENS.wikiBase } }, lark.withUserAccessToken(t))
    expect(node.data?.node?.obj_type).toBe('bitable')
    const sheets = await client.sheets.v3.spreadsheetSheet.query({ path: { spreadsheet_token: DOC_TOKENS.payrollSheet } }, lark.withUserAccessToken(t))
    expect(sheets.data?.sheets?.[0]?.grid_properties?.row_count).toBe(11)
    void tat
  })
})
