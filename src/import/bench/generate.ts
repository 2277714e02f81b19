/** Generates the bench workbook and CSV: 100k × 30 with shared strings, numbers, dates and Chinese text. */
import { concatChunks, writeXlsx, type WriteRow } from '../xlsx-write'
import { BENCH_COLUMNS } from './schema'

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈'
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞', '平', '刚', '桂英']
const DEPTS = ['人力资源部', '财务部', '研发一部', '研发二部', '销售部', '市场部', '客户成功部', '法务部', '行政部', '采购部', '质量部', '生产一车间', '生产二车间', '物流部', '信息技术部', '战略部', '审计部', '公关部', '培训中心', '产品部']
const TITLES = ['工程师', '高级工程师', '经理', '高级经理', '总监', '专员', '主管', '助理', '顾问', '分析师', '设计师', '操作员', '技术员', '会计', '出纳']
const CITIES = ['北京', '上海', '广州', '深圳', '杭州', '成都', '武汉', '西安', '南京', '苏州', '天津', '重庆']
const NOTES = Array.from({ length: 400 }, (_, i) => `第${i + 1}号备注：本月调整含加班补贴与交通补贴，已核对考勤记录`)

/** Deterministic PRNG so every run reads the same file. */
function prng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function iso(y: number, m: number, d: number): string {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

export function* benchRows(rows: number, asText = false): Generator<WriteRow> {
  yield BENCH_COLUMNS.map((c) => c.zh)
  const rnd = prng(42)
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)] as T
  for (let i = 0; i < rows; i++) {
    const hire = iso(2005 + Math.floor(rnd() * 19), 1 + Math.floor(rnd() * 12), 1 + Math.floor(rnd() * 28))
    const birth = iso(1960 + Math.floor(rnd() * 40), 1 + Math.floor(rnd() * 12), 1 + Math.floor(rnd() * 28))
    const row: WriteRow = [
      String(i + 1).padStart(8, '0'),
      pick(SURNAMES.split('')) + pick(GIVEN),
      pick(DEPTS),
      pick(TITLES),
      asText ? hire : { v: hire, date: true },
      '2024-01',
    ]
    for (let k = 0; k < 20; k++) row.push(k % 5 === 4 ? Math.floor(rnd() * 100) : Math.round(rnd() * 5_000_000) / 100)
    row.push(rnd() < 0.3 ? pick(NOTES) : null, Math.round(rnd() * 230) / 10, asText ? birth : { v: birth, date: true }, pick(CITIES))
    yield row
  }
}

export function benchXlsx(rows: number): Uint8Array {
  return concatChunks(writeXlsx([{ name: '工资表', rows: benchRows(rows) }], { level: 6, escapeFormulas: false }))
}

export function benchCsv(rows: number): string {
  const out: string[] = []
  for (const row of benchRows(rows, true)) {
    out.push(row.map((c) => {
      const v = c !== null && typeof c === 'object' ? c.v : c
      if (v === null || v === undefined) return ''
      const s = String(v)
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
    }).join(','))
  }
  return out.join('\r\n') + '\r\n'
}
