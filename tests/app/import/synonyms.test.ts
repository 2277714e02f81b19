// @vitest-environment node
// Runs in Node: the readers use Blob streams and DecompressionStream as in a worker.
import ExcelJS from 'exceljs'
import * as XLSX from '@e965/xlsx'
import { describe, expect, it } from 'vitest'
import type { TargetSchema } from '../../../src/domain/target'
import { autoMap } from '../../../src/import/mapping'
import { openFile } from './harness'

const t = (zh: string, en: string) => ({ 'zh-CN': zh, 'en-US': en })
/** Report fields as Feishu names them (user_stats_fields_query titles). */
const report: TargetSchema = {
  kind: 'attendance', id: 'r', title: t('归档报表', 'Archive report'), keyFields: ['employee_no'],
  fields: [
    { code: 'employee_no', title: t('工号', 'Employee No.'), kind: 'identifier', required: true, writable: true },
    { code: 'ot_rest', title: t('休息日加班时长', 'Rest day overtime hours'), kind: 'number', required: false, writable: true },
    { code: 'ot_work', title: t('工作日加班时长', 'Workday overtime hours'), kind: 'number', required: false, writable: true },
    { code: 'ot_holiday', title: t('法定节假日加班时长', 'Public holiday overtime hours'), kind: 'number', required: false, writable: true },
    { code: 'leave_personal', title: t('事假', 'Personal leave'), kind: 'number', required: false, writable: true },
    { code: 'meal', title: t('餐费补贴', 'Meal allowance'), kind: 'number', required: false, writable: true },
    { code: 'transport', title: t('交通补贴', 'Transport allowance'), kind: 'number', required: false, writable: true },
    { code: 'email', title: t('工作邮箱', 'Work email'), kind: 'text', required: false, writable: true },
  ],
}

const EXPECTED = { 员工编号: 'employee_no', '加班时长 / 周末': 'ot_rest', '加班时长 / 工作日': 'ot_work', '加班时长 / 节假日': 'ot_holiday', 个人假: 'leave_personal', 餐补: 'meal', 车补: 'transport', 邮箱: 'email' }

/** A two-row header as HR files have it: 加班时长 merged over 周末 / 工作日 / 节假日. */
async function exceljsFile(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('考勤')
  ws.addRow(['员工编号', '加班时长', null, null, '个人假', '餐补', '车补', '邮箱'])
  ws.addRow([null, '周末', '工作日', '节假日', null, null, null, null])
  ws.addRow(['E1', 4, 2, 8, 1, 300, 200, 'a@x.cn'])
  ws.mergeCells('B1:D1')
  for (const c of ['A', 'E', 'F', 'G', 'H']) ws.mergeCells(`${c}1:${c}2`)
  return new Uint8Array(await wb.xlsx.writeBuffer())
}

function sheetjsFile(): Uint8Array {
  const ws = XLSX.utils.aoa_to_sheet([['员工编号', '加班时长', null, null, '个人假', '餐补', '车补', '邮箱'], [null, '周末', '工作日', '节假日'], ['E1', 4, 2, 8, 1, 300, 200, 'a@x.cn']])
  ws['!merges'] = [XLSX.utils.decode_range('B1:D1'), ...['A', 'E', 'F', 'G', 'H'].map((c) => XLSX.utils.decode_range(`${c}1:${c}2`))]
  const wb = XLSX.utils.book_new()
  XLSX.utils.book_append_sheet(wb, ws, '考勤')
  return new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer)
}

describe.each([['exceljs', exceljsFile], ['SheetJS', async () => sheetjsFile()]] as const)('HR words in a two-row header written by %s', (_w, write) => {
  it('meet the report fields through the synonym table (周末 = 休息日, 餐补 = 餐费补贴, 员工编号 = 工号 …)', async () => {
    const { opened } = await openFile(await write(), 'ot.xlsx', report)
    const sheet = opened.sheet!
    expect(sheet.layout.depth).toBe(2)
    const byTitle = Object.fromEntries(sheet.proposal.matches.map((m) => [sheet.layout.columns.find((c) => c.index === m.column)?.title, m.field]))
    expect(byTitle).toEqual(EXPECTED)
    expect(sheet.proposal.missingRequired).toEqual([])
  })
})

describe('synonyms', () => {
  const col = (index: number, ...parts: string[]) => ({ index, title: parts.join(' / '), parts })

  it('work in English too, and in either order of a two-row header', () => {
    const p = autoMap([col(0, 'Staff No'), col(1, 'Weekend', 'Overtime hours'), col(2, 'Meal subsidy'), col(3, 'Car allowance'), col(4, 'Casual leave')], report)
    expect(p.matches.map((m) => m.field)).toEqual(['employee_no', 'ot_rest', 'meal', 'transport', 'leave_personal'])
  })

  it('without them the same headers find nothing sure (so the table is what matches)', () => {
    const p = autoMap([col(0, '车补'), col(1, '餐补')], { ...report, fields: report.fields.map((f) => ({ ...f, title: t(f.title['zh-CN'] + 'X', f.title['en-US'] + 'X') })) })
    expect(p.matches.filter((m) => m.kind === 'alias')).toEqual([])
  })

  it('are learnt from the person’s saved mappings: a header mapped once by hand is a name of its field next time', () => {
    const saved = { entries: [{ header: '周六日OT', field: 'ot_rest' }, { header: '工号', field: 'employee_no' }] }
    const p = autoMap([col(0, '工号'), col(1, '周六日OT（小时）')], report, saved)
    expect(p.matches.map((m) => [m.field, m.kind])).toEqual([['employee_no', 'exact'], ['ot_rest', 'alias']])
    expect(autoMap([col(0, '工号'), col(1, '周六日OT（小时）')], report, null).matches[1]?.field).not.toBe('ot_rest')
  })
})
