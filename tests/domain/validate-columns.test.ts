// checkColumns (the worker's column-wise whole-file pass) against checkRow, the row-wise
// definition: same issues in the same order and the same keys, over generated rows.
import { describe, expect, it } from 'vitest'
import type { Issue } from '../../src/domain/issues'
import type { CellValue, TargetField, TargetSchema } from '../../src/domain/target'
import { checkColumns, checkRow, hashString, sameKeyGroups, type ColumnCells } from '../../src/domain/validate'
import { checkNumber, checkValue } from '../../src/domain/values'

const t = (zh: string, en: string) => ({ 'zh-CN': zh, 'en-US': en })

const schema: TargetSchema = {
  kind: 'payroll',
  id: 'P',
  title: t('薪资', 'Pay'),
  keyFields: ['emp', 'period'],
  recordTextLimit: 60,
  fields: [
    { code: 'emp', title: t('工号', 'No.'), kind: 'identifier', required: true, writable: true },
    { code: 'period', title: t('期间', 'Period'), kind: 'month', required: true, writable: true },
    { code: 'name', title: t('姓名', 'Name'), kind: 'text', maxLength: 20, required: true, writable: true },
    { code: 'note', title: t('备注', 'Note'), kind: 'text', maxLength: 40, required: false, writable: true },
    { code: 'pay', title: t('工资', 'Pay'), kind: 'money', decimalPlaces: 2, required: false, writable: true },
    { code: 'days', title: t('天数', 'Days'), kind: 'number', decimalPlaces: 1, required: false, writable: true },
    { code: 'count', title: t('次数', 'Count'), kind: 'number', decimalPlaces: 0, required: false, writable: true },
    { code: 'free', title: t('自由', 'Free'), kind: 'number', required: false, writable: true },
    { code: 'rate', title: t('比例', 'Rate'), kind: 'percent', required: false, writable: true },
    { code: 'hired', title: t('入职', 'Hired'), kind: 'date', required: false, writable: true },
    { code: 'day', title: t('日', 'Day'), kind: 'compact_date', required: false, writable: true },
    { code: 'ym', title: t('月', 'Month'), kind: 'compact_month', required: false, writable: true },
    { code: 'old', title: t('旧', 'Old'), kind: 'money', decimalPlaces: 2, required: false, writable: false, stoppedReason: t('已停用', 'Stopped') },
    { code: 'gone', title: t('未映射', 'Unmapped'), kind: 'text', required: true, writable: true },
  ],
}

function prng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let x = s
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/** Values people really put in cells, good and bad, of every type. */
const POOL: CellValue[] = [
  null, '', '  ', '\u3000', 0, -0, 1, -1, 7, 12.5, 1.005, 2.675, 0.1 + 0.2, 1e15, -1e15, 9.999999999999999e14, 1.5e17, 123456789012.345, 1e-7,
  Number.NaN, Number.POSITIVE_INFINITY, 45292, 45292.5, 20240105, 202401, 60, 0.25, true, false,
  '0', '007', '000123', ' 000124 ', 'A 1', '1.23457E+17', '12', '12.50', '1,234.50', '¥1,234', '(12.00)', '１２３', 'abc', '12%', '12.345%',
  '2024-01', '2024-1', '2024-13', '1969-12', '202401', '2024年1月', '2024-01-05', '2024/1/5', '05/01/2024', '13/01/2024', '2024-02-30', '20240105',
  '张三', '王伟', 'x'.repeat(20), 'y'.repeat(21), '第1号备注：本月调整含加班补贴与交通补贴，已核对考勤记录', '😀'.repeat(20), 'TRUE',
]

/** A column over generated rows; `typeOf` decides as the CellStore does (numbers unboxed). */
class ArrayColumn implements ColumnCells {
  constructor(private readonly cells: CellValue[]) {}
  type(row: number): number {
    const v = this.cells[row]
    return v === null || v === undefined ? 0 : typeof v === 'number' ? 1 : 2
  }
  number(row: number): number { return this.cells[row] as number }
  value(row: number): CellValue { return this.cells[row] ?? null }
}

/** Like ArrayColumn, with a memo key per distinct string, as the CellStore's string table gives. */
class MemoColumn extends ArrayColumn {
  private readonly ids = new Map<string, number>()
  constructor(private readonly strings: CellValue[]) { super(strings) }
  memoKey(row: number): number {
    const v = this.strings[row]
    if (typeof v !== 'string') return Number.NaN
    let id = this.ids.get(v)
    if (id === undefined) this.ids.set(v, (id = this.ids.size))
    return id
  }
}

function generate(rows: number, seed: number): Array<Record<string, CellValue>> {
  const rnd = prng(seed)
  const pick = () => POOL[Math.floor(rnd() * POOL.length)] as CellValue
  const out: Array<Record<string, CellValue>> = []
  for (let r = 0; r < rows; r++) {
    const row: Record<string, CellValue> = {}
    for (const f of schema.fields) {
      // Mostly plausible values so rows also come out clean and keys repeat.
      const good: Record<string, () => CellValue> = {
        emp: () => String(Math.floor(rnd() * 40)).padStart(4, '0'), period: () => (rnd() < 0.5 ? '2024-01' : 202402),
        name: () => '张三', note: () => '备注', pay: () => Math.round(rnd() * 1e6) / 100, days: () => Math.round(rnd() * 230) / 10,
        count: () => Math.floor(rnd() * 9), free: () => rnd() * 100, rate: () => '10%', hired: () => '2020-03-05', day: () => 20240105,
        ym: () => '2024-01', old: () => null, gone: () => null,
      }
      row[f.code] = rnd() < 0.6 ? (good[f.code] as () => CellValue)() : pick()
    }
    out.push(row)
  }
  return out
}

function compare(s: TargetSchema, data: Array<Record<string, CellValue>>, rows: number[], unmapped: string[] = [], memo = false) {
  const columns = s.fields.map((f) => {
    if (unmapped.includes(f.code)) return null
    const cells = data.map((r) => r[f.code] ?? null)
    return memo ? new MemoColumn(cells) : new ArrayColumn(cells)
  })
  const got = checkColumns(s, columns, rows)
  rows.forEach((d, i) => {
    const raw: Record<string, CellValue | undefined> = {}
    for (const f of s.fields) raw[f.code] = unmapped.includes(f.code) ? undefined : data[d]?.[f.code]
    const issues: Issue[] = []
    const key = checkRow(s, raw, d, issues)
    expect(got.issues[i] ?? [], JSON.stringify(raw)).toEqual(issues)
    expect(got.keys[i], JSON.stringify(raw)).toBe(key)
    expect(got.hashes[i]).toBe(key === null ? 0 : hashString(key))
  })
}

describe('checkColumns gives exactly what checkRow gives', () => {
  it('over 3,000 generated rows of every field kind, with bad values, unmapped and stopped fields', () => {
    const data = generate(3000, 7)
    compare(schema, data, data.map((_, i) => i), ['gone'])
  })

  it('when repeated values are checked once (memo keys), including a column of mostly distinct values', () => {
    const data = generate(6000, 13)
    data.forEach((r, i) => { if (i % 4 !== 0) r.emp = String(i).padStart(6, '0') })
    compare(schema, data, data.map((_, i) => i), ['gone'], true)
    compare(schema, data, data.map((_, i) => i).filter((i) => i % 5 !== 2), ['gone'], true)
  })

  it('over a subset of rows (deleted and edited rows are left out by the caller)', () => {
    const data = generate(500, 11)
    compare(schema, data, data.map((_, i) => i).filter((i) => i % 3 !== 1), ['gone', 'note'])
  })

  it('when a key field is unmapped or stopped, and without a text limit or keys', () => {
    const data = generate(300, 3)
    compare(schema, data, data.map((_, i) => i), ['period'])
    const stoppedKey: TargetSchema = { ...schema, fields: schema.fields.map((f) => (f.code === 'emp' ? { ...f, writable: false } : f)) }
    compare(stoppedKey, data, data.map((_, i) => i))
    const plain: TargetSchema = { ...schema, keyFields: [], recordTextLimit: undefined }
    compare(plain, data, data.map((_, i) => i))
    // Keys taken from a number field (whose runs of plain numbers are otherwise skipped), in an
    // order other than the fields', and one field named twice.
    compare({ ...schema, keyFields: ['count', 'emp'] }, data, data.map((_, i) => i), [], true)
    compare({ ...schema, keyFields: ['hired', 'emp', 'hired'] }, data, data.map((_, i) => i), [], true)
  })

  it('calls back after each chunk of rows with the rows done (progress and cancel)', () => {
    const data = generate(10_000, 1)
    const seen: number[] = []
    checkColumns(schema, schema.fields.map((f) => new ArrayColumn(data.map((r) => r[f.code] ?? null))), data.map((_, i) => i), (done, total) => {
      expect(total).toBe(10_000)
      seen.push(done)
    })
    expect(seen).toEqual([256, 4352, 8448, 10_000])
    const stop = () => checkColumns(schema, schema.fields.map((f) => new ArrayColumn(data.map((r) => r[f.code] ?? null))), data.map((_, i) => i), () => { throw new Error('cancelled') })
    expect(stop).toThrow('cancelled')
  })
})

describe('checkNumber is checkValue for a number', () => {
  it('for every numeric kind and many numbers', () => {
    const rnd = prng(5)
    const numbers = POOL.filter((v): v is number => typeof v === 'number')
    for (let i = 0; i < 20_000; i++) {
      const scale = 10 ** Math.floor(rnd() * 18 - 3)
      numbers.push(Math.round(rnd() * 1e6) / 10 ** Math.floor(rnd() * 5), (rnd() - 0.5) * scale)
    }
    const fields: TargetField[] = schema.fields.filter((f) => f.code !== 'gone')
    const differ: string[] = []
    for (const f of fields) {
      for (const n of numbers) {
        if (JSON.stringify(checkNumber(f, n)) !== JSON.stringify(checkValue(f, n))) differ.push(`${f.code} ${n}`)
      }
    }
    expect(differ).toEqual([])
  })
})

describe('sameKeyGroups', () => {
  it('groups exactly as a Map of key → indexes does: first-seen order, indexes ascending, nulls left out', () => {
    const rnd = prng(9)
    for (const [n, distinct] of [[0, 1], [1, 1], [50, 3], [5000, 4000], [20_000, 19_990]] as const) {
      const keys = Array.from({ length: n }, () => (rnd() < 0.05 ? null : `${String(Math.floor(rnd() * distinct)).padStart(6, '0')}\u00002024-01`))
      const want = new Map<string, number[]>()
      keys.forEach((k, i) => { if (k !== null) want.set(k, [...(want.get(k) ?? []), i]) })
      const groups = [...want.values()].filter((l) => l.length > 1)
      expect(sameKeyGroups(keys)).toEqual(groups)
      // With the hashes given, and with hashes that all collide (equal hashes are not equal keys).
      expect(sameKeyGroups(keys, keys.map((k) => (k === null ? 0 : hashString(k))))).toEqual(groups)
      expect(sameKeyGroups(keys, keys.map(() => 7))).toEqual(groups)
    }
  })
})
