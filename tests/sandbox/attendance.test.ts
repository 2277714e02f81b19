import { describe, expect, it } from 'vitest'
import type { RunningSandbox } from '../../server/sandbox/index'
import { call, sandboxPerFile, userToken, type FeishuBody } from './helpers'

const BASE = '/open-apis/attendance/v1/archive_rule'
const UPLOAD = `${BASE}/upload_report`
const FIELDS = `${BASE}/user_stats_fields_query`
const DEL = `${BASE}/del_report`

// The request example of feishu-docs/attendance-archive_rule-upload_report.md, as it is.
const DOC_EXAMPLE = `{
    "month": "202409",
    "operator_id": "ax11d",
    "archive_report_datas": [
        {
            "member_id": "1aaxxd",
            "start_time": "20210109",
            "end_time": "20210109",
            "field_datas": [
                {
                    "code": "abd754f7",
                    "value": "1"
                }
            ]
        }
    ],
    "archive_rule_id": "1"
}`

const RULE_HQ = '1'
const RULE_RND = '7341290237441605652'
const RULE_MFG = '7341290237441605654'

interface I18n { zh: string; en: string; ja: string }
interface ListData { items: { report_id: string; report_name: I18n; archive_rule_id: string; archive_rule_name: I18n }[]; has_more: boolean; page_token?: string }
interface FieldsData { archive_report_fields: { code: string; title: string; upper_titles: string[] }[] }
interface UploadData { invalid_code?: string[]; invalid_member_id?: string[] }
interface Rows { rows: { user_id: string; start_time: string; end_time: string; fields: Record<string, string> }[] }

let sb: RunningSandbox
let tat: string
let zhangwei: string

const members = (dept: string, n: number) => sb.state.employees.filter((e) => e.department === dept && !e.persona).slice(0, n)
const codesOf = (ruleId: string) => sb.state.rules.get(ruleId)!.fields.map((f) => f.code)
const rows = async (ruleId: string, month: string) => (await call<Rows>(sb, 'GET', `/sandbox/inspect/archive?archive_rule_id=${ruleId}&month=${month}`)).body.rows

const upload = (body: unknown, token = zhangwei, employeeType: string | null = 'employee_id') =>
  call<FeishuBody<UploadData>>(sb, 'POST', UPLOAD, { token, body, query: employeeType === null ? {} : { employee_type: employeeType } })

function row(memberId: string, fields: Record<string, string>, start = '20240901', end = '20240930') {
  return { member_id: memberId, start_time: start, end_time: end, field_datas: Object.entries(fields).map(([code, value]) => ({ code, value })) }
}

sandboxPerFile(async (s, t) => {
  sb = s
  tat = t
  zhangwei = await userToken(sb, 'zhangwei')
})

describe('upload_report', () => {
  it('accepts the official request example as it is and answers in the documented shape', async () => {
    const r = await call<FeishuBody<UploadData>>(sb, 'POST', UPLOAD, { token: tat, raw: DOC_EXAMPLE, query: { employee_type: 'employee_id' } })
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ code: 0, msg: 'success', data: { invalid_code: ['abd754f7'], invalid_member_id: ['1aaxxd'] } })
  })

  it('writes rows for the rule and month and merges later uploads into them', async () => {
    const [a, b] = members('RND', 2)
    const [c1, c2, c3] = codesOf(RULE_RND)
    const month = '202409'
    const first = await upload({ month, operator_id: 'zhangwei', archive_rule_id: RULE_RND, archive_report_datas: [row(a!.user_id, { [c1!]: '22', [c2!]: '21.5' }), row(b!.user_id, { [c1!]: '22' })] })
    expect(first.body).toEqual({ code: 0, msg: 'success', data: {} })
    await upload({ month, operator_id: 'zhangwei', archive_rule_id: RULE_RND, archive_report_datas: [row(a!.user_id, { [c2!]: '20', [c3!]: '1' })] })
    const stored = await rows(RULE_RND, month)
    expect(stored.find((r) => r.user_id === a!.user_id)?.fields).toEqual({ [c1!]: '22', [c2!]: '20', [c3!]: '1' })
    expect(stored.find((r) => r.user_id === b!.user_id)?.fields).toEqual({ [c1!]: '22' })
    expect(await rows(RULE_RND, '202410')).toEqual([])
  })

  it('takes 工号 with employee_type=employee_no, for the operator and the members', async () => {
    const [m] = members('SAL', 1)
    const [code] = codesOf('7341290237441605653')
    const r = await upload({ month: '202409', operator_id: 'FS00003', archive_rule_id: '7341290237441605653', archive_report_datas: [row(m!.employee_no, { [code!]: '3' })] }, zhangwei, 'employee_no')
    expect(r.body).toEqual({ code: 0, msg: 'success', data: {} })
    expect((await rows('7341290237441605653', '202409'))[0]?.user_id).toBe(m!.user_id)
  })

  it('reports unknown codes and members with code 0, writes the rest; a reused 工号 and a member of another rule are invalid', async () => {
    const [m] = members('HR', 1)
    const [rndMember] = members('RND', 1)
    const [code] = codesOf(RULE_HQ)
    const r = await upload({
      month: '202409', operator_id: 'FS00003', archive_rule_id: RULE_HQ,
      archive_report_datas: [row(m!.employee_no, { [code!]: '5', deadbeef: '1' }), row('FS10086', { [code!]: '1' }), row(rndMember!.employee_no, { [code!]: '1' })],
    }, zhangwei, 'employee_no')
    expect(r.body).toEqual({ code: 0, msg: 'success', data: { invalid_code: ['deadbeef'], invalid_member_id: ['FS10086', rndMember!.employee_no] } })
    expect(await rows(RULE_HQ, '202409')).toEqual([{ user_id: m!.user_id, employee_no: m!.employee_no, start_time: '20240901', end_time: '20240930', fields: { [code!]: '5' } }])
  })

  it('writes nothing when any row fails validation', async () => {
    const [a, b] = members('RND', 2)
    const [code] = codesOf(RULE_RND)
    const r = await upload({ month: '202409', operator_id: 'zhangwei', archive_rule_id: RULE_RND, archive_report_datas: [row(a!.user_id, { [code!]: '1' }), row(b!.user_id, { [code!]: '1' }, '20240901', '2024-09-30')] })
    expect(r.body.code).toBe(1220001)
    expect(await rows(RULE_RND, '202409')).toEqual([])
  })

  const valid = () => ({ month: '202409', operator_id: 'zhangwei', archive_rule_id: RULE_RND, archive_report_datas: [row(members('RND', 1)[0]!.user_id, { [codesOf(RULE_RND)[0]!]: '1' })] })
  it.each<[string, () => unknown, string | null, number, number, RegExp]>([
    ['no employee_type → 1220001', valid, null, 400, 1220001, /^employee_type invalid$/],
    ['employee_type open_id → 1220001', valid, 'open_id', 400, 1220001, /^employee_type invalid$/],
    ['month 2024-09 → 1220001', () => ({ ...valid(), month: '2024-09' }), 'employee_id', 400, 1220001, /month invalid/],
    ['month 202413 → 1220001', () => ({ ...valid(), month: '202413' }), 'employee_id', 400, 1220001, /month invalid/],
    ['no operator_id → 1220001', () => ({ ...valid(), operator_id: '' }), 'employee_id', 400, 1220001, /operator_id invalid/],
    ['start_time 20240231 → 1220001', () => ({ ...valid(), archive_report_datas: [row('zhangwei', {}, '20240231')] }), 'employee_id', 400, 1220001, /start_time invalid/],
    ['0 rows → 1220001', () => ({ ...valid(), archive_report_datas: [] }), 'employee_id', 400, 1220001, /archive_report_datas size invalid/],
    ['51 rows → 1220001', () => ({ ...valid(), archive_report_datas: Array.from({ length: 51 }, () => row('x', { a: '1' })) }), 'employee_id', 400, 1220001, /archive_report_datas size invalid/],
    ['201 fields → 1220001', () => ({ ...valid(), archive_report_datas: [{ ...row('x', {}), field_datas: Array.from({ length: 201 }, (_, i) => ({ code: `c${i}`, value: '1' })) }] }), 'employee_id', 400, 1220001, /field_datas size invalid/],
    ['end before start → 1220600', () => ({ ...valid(), archive_report_datas: [row('zhangwei', { a: '1' }, '20240930', '20240901')] }), 'employee_id', 400, 1220600, /^time is invalid$/],
    ['unknown rule → 1220600', () => ({ ...valid(), archive_rule_id: '999' }), 'employee_id', 400, 1220600, /^archive_rule_id not exist$/],
    ['a rule outside the user\'s data scope → 1220600', () => ({ ...valid(), archive_rule_id: RULE_MFG }), 'employee_id', 400, 1220600, /^auth no permission$/],
    ['operator_id of someone else with a user token → 1220001', () => ({ ...valid(), operator_id: 'ax11d' }), 'employee_id', 400, 1220001, /operator_id invalid/],
  ])('%s', async (_name, body, type, status, code, msg) => {
    const r = await upload(body(), zhangwei, type)
    expect(r.status).toBe(status)
    expect(r.body.code).toBe(code)
    expect(r.body.msg).toMatch(msg)
    expect(r.body.error?.logid).toBe(r.headers.get('x-tt-logid'))
  })

  it('refuses a user without attendance rights with 1220600 "auth no permission"', async () => {
    const liuyang = await userToken(sb, 'liuyang')
    const r = await upload({ ...valid(), operator_id: 'liuyang' }, liuyang)
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code: 1220600, msg: 'auth no permission' })
  })

  it('with a tenant token, the named operator needs the rights', async () => {
    expect((await upload({ ...valid(), operator_id: 'liuyang' }, tat)).body).toMatchObject({ code: 1220600, msg: 'auth no permission' })
    expect((await upload(valid(), tat)).body.code).toBe(0)
  })

  it('answers an injected internal error with HTTP 400 1225000, as its error table says', async () => {
    sb.setKnobs({ failNext: [{ api: 'archive_rule.upload_report', kind: 'http5xx' }] })
    const r = await upload(valid())
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code: 1225000 })
  })
})

describe('archive_rule list', () => {
  it('lists every rule for a tenant token, with zh/en/ja names, in pages', async () => {
    const first = await call<FeishuBody<ListData>>(sb, 'GET', BASE, { token: tat, query: { page_size: 3 } })
    expect(first.body.data).toMatchObject({ has_more: true })
    const second = await call<FeishuBody<ListData>>(sb, 'GET', BASE, { token: tat, query: { page_size: 3, page_token: first.body.data!.page_token! } })
    expect(second.body.data!.has_more).toBe(false)
    expect(second.body.data!.page_token).toBeUndefined()
    const items = [...first.body.data!.items, ...second.body.data!.items]
    expect(items.map((i) => i.archive_rule_id)).toEqual([RULE_HQ, RULE_RND, '7341290237441605653', RULE_MFG])
    expect(items[0]!.archive_rule_name).toEqual({ zh: '总部职能月度归档', en: 'HQ functions monthly archive', ja: '本社部門月次締め' })
  })

  it('shows a user only the rules in their data scope, and refuses users without attendance rights', async () => {
    const mine = await call<FeishuBody<ListData>>(sb, 'GET', BASE, { token: zhangwei, query: { page_size: 50 } })
    expect(mine.body.data!.items.map((i) => i.archive_rule_id)).toEqual([RULE_HQ, RULE_RND, '7341290237441605653'])
    const denied = await call(sb, 'GET', BASE, { token: await userToken(sb, 'wangfang'), query: { page_size: 50 } })
    expect(denied.status).toBe(400)
    expect(denied.body).toMatchObject({ code: 1220600, msg: 'auth no permission' })
  })

  it('requires page_size 1–50', async () => {
    for (const q of [{}, { page_size: 0 }, { page_size: 51 }] as Record<string, number>[]) {
      const r = await call(sb, 'GET', BASE, { token: tat, query: q })
      expect(r.status).toBe(400)
      expect(r.body.code).toBe(1220001)
    }
  })

  it('answers an injected internal error with HTTP 500 1225000', async () => {
    sb.setKnobs({ failNext: [{ api: 'archive_rule.list', kind: 'http5xx' }] })
    const r = await call(sb, 'GET', BASE, { token: tat, query: { page_size: 10 } })
    expect(r.status).toBe(500)
    expect(r.body.code).toBe(1225000)
  })
})

describe('user_stats_fields_query', () => {
  const query = (locale?: string) => call<FeishuBody<FieldsData>>(sb, 'POST', FIELDS, {
    token: zhangwei, query: { employee_type: 'employee_id' },
    body: { month: '202409', archive_rule_id: RULE_HQ, operator_id: 'zhangwei', ...(locale ? { locale } : {}) },
  })

  it('returns 40+ report headers with unique codes, zh by default', async () => {
    const fields = (await query()).body.data!.archive_report_fields
    expect(fields.length).toBeGreaterThanOrEqual(40)
    expect(new Set(fields.map((f) => f.code)).size).toBe(fields.length)
    expect(fields.map((f) => f.code)).toEqual(codesOf(RULE_HQ))
    expect(fields[1]).toMatchObject({ title: '工号', upper_titles: ['基本信息'] })
    expect(new Set(fields.map((f) => f.upper_titles[0]))).toEqual(new Set(['基本信息', '出勤统计', '加班', '请假', '异常', '其他']))
    expect(fields.find((f) => f.title === '年假(天)')?.upper_titles).toEqual(['请假', '带薪假'])
  })

  it('translates titles and upper titles for en and ja, keeping the codes', async () => {
    const zh = (await query('zh')).body.data!.archive_report_fields
    const en = (await query('en')).body.data!.archive_report_fields
    const ja = (await query('ja')).body.data!.archive_report_fields
    expect(en.map((f) => f.code)).toEqual(zh.map((f) => f.code))
    expect(en[1]).toMatchObject({ title: 'Employee No.', upper_titles: ['Basic info'] })
    expect(ja[1]).toMatchObject({ title: '社員番号', upper_titles: ['基本情報'] })
  })

  it('rejects an unknown locale with 1220001', async () => {
    const r = await query('fr')
    expect(r.status).toBe(400)
    expect(r.body.code).toBe(1220001)
  })

  it('gives each rule its own headers', async () => {
    expect(sb.state.rules.get(RULE_MFG)!.fields.length).toBeGreaterThan(sb.state.rules.get(RULE_HQ)!.fields.length)
    expect(codesOf(RULE_MFG).some((c) => codesOf(RULE_HQ).includes(c))).toBe(false)
  })
})

describe('del_report', () => {
  async function seedRows() {
    const people = members('RND', 3)
    const [code] = codesOf(RULE_RND)
    for (const month of ['202409', '202410']) {
      await upload({ month, operator_id: 'zhangwei', archive_rule_id: RULE_RND, archive_report_datas: people.map((p) => row(p.user_id, { [code!]: '1' })) })
    }
    return people
  }

  it('deletes the rows of the listed users only', async () => {
    const [a, b, c] = await seedRows()
    const r = await call(sb, 'POST', DEL, { token: zhangwei, query: { employee_type: 'employee_id' }, body: { month: '202409', operator_id: 'zhangwei', archive_rule_id: RULE_RND, user_ids: [a!.user_id, b!.user_id] } })
    expect(r.body).toEqual({ code: 0, msg: 'success', data: {} })
    expect((await rows(RULE_RND, '202409')).map((x) => x.user_id)).toEqual([c!.user_id])
    expect(await rows(RULE_RND, '202410')).toHaveLength(3)
  })

  it('without user_ids deletes every row of that rule and month (the harder reading of an UNCONFIRMED case)', async () => {
    await seedRows()
    const r = await call(sb, 'POST', DEL, { token: zhangwei, query: { employee_type: 'employee_id' }, body: { month: '202409', operator_id: 'zhangwei', archive_rule_id: RULE_RND } })
    expect(r.body.code).toBe(0)
    expect(await rows(RULE_RND, '202409')).toEqual([])
    expect(await rows(RULE_RND, '202410')).toHaveLength(3)
  })
})
