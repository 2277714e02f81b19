import { describe, expect, it } from 'vitest'
import { parseFeishuLink } from '../../src/domain/feishu-link'

describe('what a pasted Feishu link points at', () => {
  it('reads a sheet of a spreadsheet, a Base table with its view, and a wiki page, on Feishu and Lark hosts', () => {
    expect(parseFeishuLink('https://acme.feishu.cn/sheets/shtcnAbC123xyz?sheet=0b5a1c')).toEqual({ link: { kind: 'sheet', token: 'shtcnAbC123xyz', sheetId: '0b5a1c' } })
    expect(parseFeishuLink('  acme.larksuite.com/base/bascnQwE987?table=tblK3j&view=vewZ9  ')).toEqual({ link: { kind: 'base', token: 'bascnQwE987', tableId: 'tblK3j', viewId: 'vewZ9' } })
    expect(parseFeishuLink('https://acme.feishu.cn/wiki/wikcnXyZ12345?sheet=s1')).toEqual({ link: { kind: 'wiki', token: 'wikcnXyZ12345', sheetId: 's1', tableId: null, viewId: null } })
    expect(parseFeishuLink('https://x.larkoffice.com/sheets/shtcnAbC123xyz#anything')).toMatchObject({ link: { kind: 'sheet', sheetId: null } })
  })

  it('refuses what is not a link, not Feishu, or neither a sheet nor a table', () => {
    expect(parseFeishuLink('')).toEqual({ problem: 'not_a_link' })
    expect(parseFeishuLink('https://example.com/sheets/shtcnAbC123xyz')).toEqual({ problem: 'not_feishu' })
    expect(parseFeishuLink('https://feishu.cn.evil.com/sheets/shtcnAbC123xyz')).toEqual({ problem: 'not_feishu' })
    expect(parseFeishuLink('javascript:alert(1)')).toEqual({ problem: 'not_a_link' })
    expect(parseFeishuLink('https://acme.feishu.cn/docx/doxcnAbc123456')).toEqual({ problem: 'not_a_sheet_or_table' })
    expect(parseFeishuLink('https://acme.feishu.cn/sheets/../../etc')).toEqual({ problem: 'not_a_sheet_or_table' })
    expect(parseFeishuLink(`https://acme.feishu.cn/sheets/${'a'.repeat(3000)}`)).toEqual({ problem: 'not_a_link' })
  })

  it('drops a sheet, table or view id that is not an id instead of passing it on', () => {
    expect(parseFeishuLink('https://acme.feishu.cn/base/bascnQwE987?table=tbl%2F..%2Fx&view=v!1')).toEqual({ link: { kind: 'base', token: 'bascnQwE987', tableId: null, viewId: null } })
  })
})
