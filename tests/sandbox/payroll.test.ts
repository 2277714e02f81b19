import { describe, expect, it } from 'vitest'
import type { RunningSandbox } from '../../server/sandbox/index'
import { call, sandboxPerFile, userToken, type FeishuBody } from './helpers'

const SAVE = '/open-apis/payroll/v1/datasource_records/save'
const QUERY = '/open-apis/payroll/v1/datasource_records/query'
const LIST = '/open-apis/payroll/v1/datasources'

// The request example of feishu-docs/payroll-datasource_records-save.md, character for character; the
// doc's `//` annotations are not JSON and are stripped before sending.
const DOC_EXAMPLE = `{
    "source_code": "yache19_8680__c",
    "records": [
        {
            "active_status": 1, // 启停状态
            "field_values": [
                {
                    "field_code": "employment_id", // 必传字段，员工ID
                    "value": "6993242233201853965" // 员工ID获取方式见文档
                },
                {
                    "field_code": "payroll_period", // 必传字段，算薪期间
                    "value": "2024-10" // 算薪期间，精确到月
                },
                {
                    "field_code": "yache41_8680__c", // 自定义字段1
                    "value": "2024-10-01"
                },
                {
                    "field_code": "yache11_8680__c", // 自定义字段2
                    "value": "我是一段文本"
                },
                {
                    "field_code": "yache22_8680__c", // 自定义字段3
                    "value": "123"
                }
            ]
        }
    ]
}`

type SaveBody = FeishuBody<{ affect_counts: string }>
interface FieldValue { field_code: string; value: string }
interface QueryData { records: { active_status: number; field_values: (FieldValue & { field_type: number })[] }[]; has_more: boolean; page_token?: string }
interface InspectPayroll { records: { employment_id: string; period: string; active_status: number; values: Record<string, string> }[]; locked: boolean }

let sb: RunningSandbox
let tat: string

function employmentIds(dept: string, n: number): string[] {
  return sb.state.employees.filter((e) => e.department === dept && e.status === 'hired' && !e.persona).slice(0, n).map((e) => e.employment_id)
}
const sales = () => employmentIds('SAL', 60)
const rnd = () => employmentIds('RND', 5)

function rec(employmentId: string, period: string, fields: Record<string, string> = {}, active_status = 1) {
  return {
    active_status,
    field_values: [
      { field_code: 'employment_id', value: employmentId },
      { field_code: 'payroll_period', value: period },
      ...Object.entries(fields).map(([field_code, value]) => ({ field_code, value })),
    ],
  }
}

const save = (body: unknown, token = tat) => call<SaveBody>(sb, 'POST', SAVE, { token, body })
const inspect = async (source: string) => (await call<InspectPayroll>(sb, 'GET', `/sandbox/inspect/payroll?source_code=${source}`)).body

sandboxPerFile((s, t) => { sb = s; tat = t })

describe('datasource_records/save — documented behaviour', () => {
  it('accepts the official request example as it is and reports one record created', async () => {
    const r = await call<SaveBody>(sb, 'POST', SAVE, { token: tat, raw: DOC_EXAMPLE.replace(/\/\/[^\n]*/g, '') })
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ code: 0, msg: 'success', data: { affect_counts: '1' } })
    const stored = (await inspect('yache19_8680__c')).records
    expect(stored).toEqual([{
      employment_id: '6993242233201853965', period: '2024-10', active_status: 1,
      values: { employment_id: '6993242233201853965', payroll_period: '2024-10', yache41_8680__c: '2024-10-01', yache11_8680__c: '我是一段文本', yache22_8680__c: '123' },
    }])
  })

  it('answers affect_counts "0" when the same save is sent twice (nothing changed → not updated)', async () => {
    const body = { source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09', { late_deduction__c: '50.00' }), rec(sales()[1]!, '2024-09')] }
    expect((await save(body)).body.data?.affect_counts).toBe('2')
    expect((await save(body)).body.data?.affect_counts).toBe('0')
  })

  it('counts only the records that really changed, and a change of active_status counts', async () => {
    const [a, b, c] = sales() as [string, string, string]
    await save({ source_code: 'attendance_deduction__c', records: [rec(a, '2024-09', { late_deduction__c: '1' }), rec(b, '2024-09', { late_deduction__c: '2' })] })
    const r = await save({ source_code: 'attendance_deduction__c', records: [
      rec(a, '2024-09', { late_deduction__c: '1' }), // unchanged
      rec(b, '2024-09', { late_deduction__c: '2' }, 2), // stopped
      rec(c, '2024-09', { late_deduction__c: '3' }), // new
    ] })
    expect(r.body.data?.affect_counts).toBe('2')
  })

  it('updates only the fields sent; the others keep their stored values', async () => {
    const id = sales()[0]!
    await save({ source_code: 'attendance_deduction__c', records: [rec(id, '2024-09', { late_deduction__c: '10', deduction_note__c: '迟到两次' })] })
    const r = await save({ source_code: 'attendance_deduction__c', records: [rec(id, '2024-09', { absence_hours__c: '4' })] })
    expect(r.body.data?.affect_counts).toBe('1')
    expect((await inspect('attendance_deduction__c')).records[0]?.values).toEqual({
      employment_id: id, payroll_period: '2024-09', late_deduction__c: '10', deduction_note__c: '迟到两次', absence_hours__c: '4',
    })
  })

  it('rounds money and numbers to the field precision and percent to 2 decimals, half away from zero', async () => {
    const [a, b] = sales() as [string, string]
    await save({ source_code: 'sales_commission__c', records: [
      rec(a, '2024-11', { commission_amount__c: '12.345', commission_rate__c: '10.005', deals_closed__c: '2.5', unit_price__c: '1.1234565', fx_amount__c: '-0.0005' }),
      rec(b, '2024-11', { commission_amount__c: '12.2', deals_closed__c: '-2.5', unit_price__c: '99.9999995' }),
    ] })
    const byId = new Map((await inspect('sales_commission__c')).records.filter((r) => r.period === '2024-11').map((r) => [r.employment_id, r.values]))
    expect(byId.get(a)).toMatchObject({ commission_amount__c: '12.35', commission_rate__c: '10.01', deals_closed__c: '3', unit_price__c: '1.123457', fx_amount__c: '-0.001' })
    expect(byId.get(b)).toMatchObject({ commission_amount__c: '12.2', deals_closed__c: '-3', unit_price__c: '100.000000' })
  })

  it('is all-or-nothing: when record 1 fails, record 0 is not saved either', async () => {
    const [a, b] = sales() as [string, string]
    const r = await save({ source_code: 'attendance_deduction__c', records: [rec(a, '2024-09', { late_deduction__c: '5' }), rec(b, '2024-09', { late_deduction__c: 'five' })] })
    expect(r.body.code).toBe(2500010)
    expect((await inspect('attendance_deduction__c')).records).toEqual([])
  })
})

describe('datasource_records/save — every documented error code with its HTTP status', () => {
  const longText = (n: number) => '字'.repeat(n)
  const cases: [string, () => unknown, number, number, RegExp][] = [
    ['records empty → 2500002', () => ({ source_code: 'attendance_deduction__c', records: [] }), 400, 2500002, /param invalid/],
    ['51 records → 2500002', () => ({ source_code: 'attendance_deduction__c', records: sales().slice(0, 51).map((id) => rec(id, '2024-09')) }), 400, 2500002, /param invalid/],
    ['an empty value → 2500002', () => ({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09', { deduction_note__c: '' })] }), 400, 2500002, /param invalid/],
    ['active_status 3 → 2500002', () => ({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09', {}, 3)] }), 400, 2500002, /param invalid/],
    ['unknown datasource → 2500004', () => ({ source_code: 'nope__c', records: [rec(sales()[0]!, '2024-09')] }), 200, 2500004, /^datasource_code:nope__c not exist$/],
    ['unknown field → 2500005', () => ({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09', { nope__c: '1' })] }), 200, 2500005, /^field_code:nope__c not exist$/],
    ['stopped datasource → 2500008', () => ({ source_code: 'legacy_allowance__c', records: [rec(sales()[0]!, '2024-09', { allowance_amount__c: '1' })] }), 200, 2500008, /^datasource_code:legacy_allowance__c not active$/],
    ['stopped field → 2500009', () => ({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09', { legacy_penalty__c: '1' })] }), 200, 2500009, /^field_code:legacy_penalty__c not active$/],
    ['money not a number → 2500010', () => ({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09', { late_deduction__c: '1,000' })] }), 200, 2500010, /^late_deduction__c format not valid$/],
    ['date not a calendar date → 2500010', () => ({ source_code: 'sales_commission__c', records: [rec(sales()[0]!, '2024-09', { settle_date__c: '2024-02-30' })] }), 200, 2500010, /^settle_date__c format not valid$/],
    ['payroll_period not yyyy-mm → 2500010', () => ({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-9')] }), 200, 2500010, /^payroll_period format not valid$/],
    ['text over 500 characters → 2500011', () => ({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09', { deduction_note__c: longText(501) })] }), 200, 2500011, /^deduction_note__c text length more than 500$/],
    ['record text over 3000 characters → 2500012', () => ({ source_code: 'performance_review__c', records: [rec(sales()[0]!, '2024-09'), rec(sales()[1]!, '2024-09', {
      self_review__c: longText(500), manager_comment__c: longText(500), peer_feedback__c: longText(500), strengths__c: longText(500), improvements__c: longText(500), goals__c: longText(500), hr_note__c: longText(1),
    })] }), 200, 2500012, /^record1 text total length more than 3000$/],
    ['missing payroll_period → 2500013', () => ({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09'), { active_status: 1, field_values: [{ field_code: 'employment_id', value: sales()[1]! }] }] }), 200, 2500013, /^records1 lack required field: payroll_period$/],
    ['unknown employment_id → 2500015', () => ({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09'), rec('6999999999999999999', '2024-09')] }), 200, 2500015, /^records1 data entity 6999999999999999999 not exists$/],
    ['payroll_period before 1970-01 → 2500016', () => ({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '1969-12')] }), 200, 2500016, /^the {2}payroll period cannot be earlier than 1970-01$/],
    ['the same employment and period twice → 2500017', () => ({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09'), rec(sales()[1]!, '2024-09'), rec(sales()[0]!, '2024-09')] }), 200, 2500017, /^records2 duplicated$/],
    ['the same field twice in a record → 2500018', () => ({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09', { late_deduction__c: '1' }), { active_status: 1, field_values: [...rec(sales()[1]!, '2024-09').field_values, { field_code: 'late_deduction__c', value: '1' }, { field_code: 'late_deduction__c', value: '2' }] }] }), 200, 2500018, /^record field_code:late_deduction__c duplicated$/],
  ]

  it.each(cases)('%s', async (_name, body, status, code, msg) => {
    const r = await save(body())
    expect(r.status).toBe(status)
    expect(r.body.code).toBe(code)
    expect(r.body.msg).toMatch(msg)
    expect(r.body.data?.affect_counts).toBeUndefined()
    expect(r.body.error?.logid).toBe(r.headers.get('x-tt-logid'))
  })

  it('2500014 names the first record the user may not write (lina: Sales only)', async () => {
    const lina = await userToken(sb, 'lina')
    const r = await save({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09'), rec(sales()[1]!, '2024-09'), rec(rnd()[0]!, '2024-09'), rec(rnd()[1]!, '2024-09')] }, lina)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ code: 2500014, msg: 'records2 lark data auth' })
    expect((await inspect('attendance_deduction__c')).records).toEqual([])
  })

  it('2500020 when the datasource would exceed its capacity (knob)', async () => {
    sb.setKnobs({ datasourceCapacity: 30 }) // the seed holds 30 commission records
    const r = await save({ source_code: 'sales_commission__c', records: [rec(sales()[45]!, '2024-12')] })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ code: 2500020, msg: 'data capacity limit exceeded' })
  })

  it('2500021 when the lock error is injected', async () => {
    sb.setKnobs({ failNext: [{ api: 'datasource_record.save', kind: 'lock2500021' }] })
    const r = await save({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09')] })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ code: 2500021, msg: 'The data source is writing data, acquiring lock failed' })
  })

  it('2500001 with HTTP 500 when a server error is injected', async () => {
    sb.setKnobs({ failNext: [{ api: 'datasource_record.save', kind: 'http5xx' }] })
    const r = await save({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09')] })
    expect(r.status).toBe(500)
    expect(r.body).toMatchObject({ code: 2500001, msg: 'unknown error' })
  })
})

describe('per-datasource write lock under real concurrency', () => {
  it('two overlapping saves to one datasource: one saves, the other gets 2500021', async () => {
    sb.setKnobs({ latencyMsByApi: { 'datasource_record.save': 300 } })
    const [a, b] = sales() as [string, string]
    const results = await Promise.all([
      save({ source_code: 'attendance_deduction__c', records: [rec(a, '2024-09', { late_deduction__c: '1' })] }),
      save({ source_code: 'attendance_deduction__c', records: [rec(b, '2024-09', { late_deduction__c: '2' })] }),
    ])
    expect(results.map((r) => r.body.code).sort()).toEqual([0, 2500021])
    expect((await inspect('attendance_deduction__c')).records).toHaveLength(1)
  })

  it('saves to different datasources at the same time both succeed', async () => {
    sb.setKnobs({ latencyMsByApi: { 'datasource_record.save': 300 } })
    const [a] = sales() as [string]
    const results = await Promise.all([
      save({ source_code: 'attendance_deduction__c', records: [rec(a, '2024-09', { late_deduction__c: '1' })] }),
      save({ source_code: 'yache19_8680__c', records: [rec(a, '2024-09', { yache33_8680__c: '1000' })] }),
    ])
    expect(results.map((r) => r.body)).toEqual([
      { code: 0, msg: 'success', data: { affect_counts: '1' } },
      { code: 0, msg: 'success', data: { affect_counts: '1' } },
    ])
  })

  it('releases the lock after a failed save, so the next save goes through', async () => {
    expect((await save({ source_code: 'attendance_deduction__c', records: [rec('6999999999999999999', '2024-09')] })).body.code).toBe(2500015)
    expect((await save({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09')] })).body.code).toBe(0)
  })
})

describe('row-level permission per persona', () => {
  const body = () => ({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09'), rec(rnd()[0]!, '2024-09')] })
  it.each([
    ['wangfang', { code: 0 }],
    ['chenjing', { code: 0 }],
    ['lina', { code: 2500014, msg: 'records1 lark data auth' }],
    ['zhangwei', { code: 2500014, msg: 'records0 lark data auth' }],
    ['liuyang', { code: 2500014, msg: 'records0 lark data auth' }],
  ])('%s saving a Sales and an R&D record → %o', async (user, expected) => {
    const r = await save(body(), await userToken(sb, user))
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject(expected)
  })

  it('lina may write her own department', async () => {
    const r = await save({ source_code: 'attendance_deduction__c', records: [rec(sales()[0]!, '2024-09'), rec(sales()[1]!, '2024-09')] }, await userToken(sb, 'lina'))
    expect(r.body).toEqual({ code: 0, msg: 'success', data: { affect_counts: '2' } })
  })
})

describe('GET payroll/v1/datasources', () => {
  interface ListData { datasources: { code: string; active_status: number; data_period_type: number; i18n_names: { locale: string; value: string }[]; fields: { code: string; field_type: number; active_status: number; decimal_places?: number }[] }[]; has_more: boolean; page_token?: string }

  it('requires page_size 1–100 (HTTP 400, 2500002)', async () => {
    for (const q of ['', '?page_size=0', '?page_size=101', '?page_size=x']) {
      const r = await call(sb, 'GET', LIST + q, { token: tat })
      expect(r.status).toBe(400)
      expect(r.body.code).toBe(2500002)
    }
  })

  it('pages with has_more and page_token, and the pages together hold every datasource once', async () => {
    const codes: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const r = await call<FeishuBody<ListData>>(sb, 'GET', LIST, { token: tat, query: { page_size: 2, ...(token ? { page_token: token } : {}) } })
      expect(r.body.code).toBe(0)
      codes.push(...r.body.data!.datasources.map((d) => d.code))
      token = r.body.data!.has_more ? r.body.data!.page_token : undefined
      if (r.body.data!.has_more) expect(token).toBeTruthy()
      else expect(r.body.data!.page_token).toBeUndefined()
      pages++
    } while (token)
    expect(pages).toBe(4)
    expect(codes).toEqual(['yache19_8680__c', 'attendance_deduction__c', 'sales_commission__c', 'performance_review__c', 'legacy_allowance__c', 'overtime_daily__c', 'project_bonus__c'])
  })

  it('describes every field type, several decimal places, a stopped datasource and a stopped field, in zh_cn and en_us', async () => {
    const r = await call<FeishuBody<ListData>>(sb, 'GET', LIST, { token: tat, query: { page_size: 100 } })
    const all = r.body.data!.datasources
    const fields = all.flatMap((d) => d.fields)
    expect(new Set(fields.map((f) => f.field_type))).toEqual(new Set([1, 2, 3, 4, 5]))
    expect(new Set(fields.map((f) => f.decimal_places).filter((d) => d !== undefined)).size).toBeGreaterThanOrEqual(4)
    expect(all.find((d) => d.code === 'legacy_allowance__c')?.active_status).toBe(2)
    expect(fields.find((f) => f.code === 'legacy_penalty__c')?.active_status).toBe(2)
    expect(all.every((d) => d.i18n_names.map((n) => n.locale).join() === 'zh_cn,en_us')).toBe(true)
    expect(all.map((d) => d.data_period_type)).toEqual([1, 1, 1, 1, 1, 2, 3])
  })

  it('answers HTTP 400 99991676 to a user without any payroll role, and lists for an HRBP', async () => {
    const denied = await call(sb, 'GET', LIST, { token: await userToken(sb, 'zhangwei'), query: { page_size: 10 } })
    expect(denied.status).toBe(400)
    expect(denied.body).toMatchObject({ code: 99991676, msg: 'token no permission' })
    const allowed = await call(sb, 'GET', LIST, { token: await userToken(sb, 'lina'), query: { page_size: 10 } })
    expect(allowed.body.code).toBe(0)
  })
})

describe('datasource_records/query', () => {
  const period = (values: string[]) => ({ field_code: 'payroll_period', field_values: values })
  /** pageSize null → no page_size parameter at all. */
  const query = (body: unknown, token = tat, pageSize: number | null = 100, pageToken?: string) =>
    call<FeishuBody<QueryData>>(sb, 'POST', QUERY, { token, body, query: { ...(pageSize === null ? {} : { page_size: pageSize }), ...(pageToken ? { page_token: pageToken } : {}) } })

  it('returns the stored records of the period, with field types', async () => {
    const r = await query({ source_code: 'sales_commission__c', field_filters: [period(['2024-09'])] })
    expect(r.body.code).toBe(0)
    expect(r.body.data!.records).toHaveLength(30)
    expect(r.body.data!.records[0]!.field_values.find((f) => f.field_code === 'commission_rate__c')?.field_type).toBe(5)
  })

  it('always adds employment_id and payroll_period to selected_fields', async () => {
    const r = await query({ source_code: 'sales_commission__c', selected_fields: ['deals_closed__c'], field_filters: [period(['2024-09'])] })
    expect(r.body.data!.records[0]!.field_values.map((f) => f.field_code)).toEqual(['employment_id', 'payroll_period', 'deals_closed__c'])
  })

  it('pages through the records with page_token', async () => {
    const first = await query({ source_code: 'sales_commission__c', field_filters: [period(['2024-09'])] }, tat, 20)
    expect(first.body.data).toMatchObject({ has_more: true })
    const second = await query({ source_code: 'sales_commission__c', field_filters: [period(['2024-09'])] }, tat, 20, first.body.data!.page_token)
    expect(second.body.data!.records).toHaveLength(10)
    expect(second.body.data!.has_more).toBe(false)
  })

  it('filters by employment_id', async () => {
    const ids = (await inspect('sales_commission__c')).records.slice(0, 3).map((r) => r.employment_id)
    const r = await query({ source_code: 'sales_commission__c', field_filters: [period(['2024-09']), { field_code: 'employment_id', field_values: ids }] })
    expect(r.body.data!.records.map((x) => x.field_values[0]!.value).sort()).toEqual([...ids].sort())
  })

  it('shows each user only the records they may see', async () => {
    const id = rnd()[0]!
    await save({ source_code: 'sales_commission__c', records: [rec(id, '2024-09', { deals_closed__c: '1' })] })
    const count = async (user: string) => (await query({ source_code: 'sales_commission__c', field_filters: [period(['2024-09'])] }, await userToken(sb, user))).body.data!.records.length
    expect(await count('wangfang')).toBe(31)
    expect(await count('lina')).toBe(30)
    expect(await count('liuyang')).toBe(0)
  })

  it.each([
    ['page_size missing → 400 2500002', { source_code: 'sales_commission__c', field_filters: [period(['2024-09'])] }, null, 400, 2500002],
    ['unknown datasource → 2500004', { source_code: 'nope__c', field_filters: [period(['2024-09'])] }, 10, 200, 2500004],
    ['unknown selected field → 2500005', { source_code: 'sales_commission__c', selected_fields: ['nope__c'], field_filters: [period(['2024-09'])] }, 10, 200, 2500005],
    ['no time filter → 2500006', { source_code: 'sales_commission__c' }, 10, 200, 2500006],
    ['three periods → 2500007', { source_code: 'sales_commission__c', field_filters: [period(['2024-07', '2024-08', '2024-09'])] }, 10, 200, 2500007],
    ['101 employment ids → 2500007', { source_code: 'sales_commission__c', field_filters: [period(['2024-09']), { field_code: 'employment_id', field_values: Array.from({ length: 101 }, (_, i) => String(i)) }] }, 10, 200, 2500007],
    ['a filter twice → 2500010', { source_code: 'sales_commission__c', field_filters: [period(['2024-09']), period(['2024-08'])] }, 10, 200, 2500010],
    ['period not yyyy-mm → 2500019', { source_code: 'sales_commission__c', field_filters: [period(['202409'])] }, 10, 200, 2500019],
  ] as const)('%s', async (_n, body, pageSize, status, code) => {
    const r = await query(body, tat, pageSize)
    expect(r.status).toBe(status)
    expect(r.body.code).toBe(code)
  })
})

describe('payroll rate limit (10/s per app and tenant)', () => {
  it('answers some of 25 parallel calls with HTTP 429, 99991400 and the x-ogw-ratelimit headers', async () => {
    const results = await Promise.all(Array.from({ length: 25 }, () => call(sb, 'GET', LIST, { token: tat, query: { page_size: 1 } })))
    const limited = results.filter((r) => r.status === 429)
    expect(results.filter((r) => r.status === 200)).toHaveLength(10)
    expect(limited).toHaveLength(15)
    for (const r of limited) {
      expect(r.body).toMatchObject({ code: 99991400, msg: 'request trigger frequency limit' })
      expect(r.headers.get('x-ogw-ratelimit-limit')).toBe('10')
      expect(Number(r.headers.get('x-ogw-ratelimit-reset'))).toBeGreaterThanOrEqual(1)
    }
  })
})
