// The personas' Feishu documents (issue 17): spreadsheets, Base tables and wiki nodes, each with who
// may read it. Small documents are built from the seeded employees; the 100,000-row sheet is a
// formula of (row, column) read cell by cell, so it costs nothing until someone reads it.
import type { Employee } from './employees'

/**
 * A cell as the sandbox holds it. Plain values are what was typed; `d` a date (yyyy-mm-dd) shown in
 * the format `fmt`; `f` a formula with its computed value; `n` a number shown through a format.
 */
export type SheetCell =
  | null | string | number | boolean
  | { d: string; fmt?: string }
  | { f: string; v: number | string }
  | { n: number; fmt: string }

export interface MergeRange { start_row_index: number; end_row_index: number; start_column_index: number; end_column_index: number }

export interface SandboxSheet {
  sheet_id: string
  title: string
  hidden?: boolean
  rowCount: number
  columnCount: number
  /** 0-based row and column. */
  cell(row: number, col: number): SheetCell
  merges: MergeRange[]
  /** Protected (保护范围): editing is limited; reading is not (Feishu's docs: protection restricts edits). */
  protected?: boolean
}

export interface SandboxSpreadsheet {
  token: string
  title: string
  owner: string
  /** user_ids who may read it (可阅读 or more); 'all' = everyone in the tenant. */
  readers: 'all' | readonly string[]
  deleted?: boolean
  sheets: SandboxSheet[]
}

/** Base field types of the field guide (1 text, 2 number, 3 single select, 5 date, 11 person, 20 formula, 1001 created time …). */
export interface BaseField { field_id: string; field_name: string; type: number; ui_type: string; property?: Record<string, unknown> | null; is_primary?: boolean }

export interface BaseRecord { record_id: string; fields: Record<string, unknown>; /** views that show this record */ views: readonly string[] }

export interface SandboxBaseTable { table_id: string; name: string; fields: BaseField[]; views: Array<{ view_id: string; view_name: string }>; records: BaseRecord[] }

export interface SandboxBase { app_token: string; name: string; owner: string; readers: 'all' | readonly string[]; deleted?: boolean; tables: SandboxBaseTable[] }

export interface WikiNode { node_token: string; obj_token: string; obj_type: 'sheet' | 'bitable' | 'docx' | 'doc' | 'mindnote' | 'file'; title: string; readers: 'all' | readonly string[] }

export interface SandboxDocuments {
  spreadsheets: Map<string, SandboxSpreadsheet>
  bases: Map<string, SandboxBase>
  wiki: Map<string, WikiNode>
}

export const DOC_TOKENS = {
  payrollSheet: 'shtcnSalesCommission202409',
  payrollSheetId: 'a1b2c3',
  oddSheet: 'shtcnOddCases2024',
  bigSheet: 'shtcnBig100k30cols',
  bigSheetId: 'big001',
  deletedSheet: 'shtcnDeletedLastMonth',
  hugeSheet: 'shtcnTwoMillionRows',
  payrollBase: 'bascnSalesCommissionBase',
  payrollBaseTable: 'tblCommission2024',
  pagingBaseTable: 'tblManyRecords',
  salesView: 'vewSalesOnly',
  attendanceBase: 'bascnAttendanceSummary',
  attendanceBaseTable: 'tblAttendance202409',
  wikiPayroll: 'wikcnSalesCommissionPage',
  wikiBase: 'wikcnCommissionBasePage',
  wikiDoc: 'wikcnMeetingNotesDoc',
} as const

/** Who may read what: the payroll admin everything, the HRBP the commission documents, nobody else. */
const PAYROLL_READERS = ['wangfang', 'lina', 'sunli', 'chenjing'] as const
const ADMIN_ONLY = ['wangfang'] as const

/** Excel's serial day of a yyyy-mm-dd date (1900 system), as Feishu Sheets stores dates too. */
export function serialOf(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
  return Math.round((Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86_400_000)
}

function gridSheet(sheet_id: string, title: string, rows: SheetCell[][], extra: Partial<SandboxSheet> = {}): SandboxSheet {
  const columnCount = Math.max(1, ...rows.map((r) => r.length))
  return {
    sheet_id, title, rowCount: Math.max(rows.length, 1), columnCount, merges: [],
    cell: (r, c) => rows[r]?.[c] ?? null,
    ...extra,
  }
}

/** The commission rows every payroll test writes: nine hired Sales people (the Base holds the first eight). */
export function commissionPeople(employees: readonly Employee[]): Employee[] {
  return employees.filter((e) => e.department === 'SAL' && e.status === 'hired' && !e.persona).slice(0, 9)
}

/**
 * Rows of the commission sheet below its title and header: 工号, 姓名, 提成金额, 成交单数, 结算日期, 客户备注.
 * The ninth person's deal count is typed "3单" — a value the person fixes in the review grid.
 */
export function commissionRows(employees: readonly Employee[]): SheetCell[][] {
  return commissionPeople(employees).map((e, i) => [
    e.employee_no,
    e.name,
    // One amount is a formula (deals × 150.5): Feishu answers its value.
    i === 2 ? { f: '=D5*150.5', v: (3 + i) * 150.5 } : 1000 + i * 250.25,
    i === 8 ? '3单' : 3 + i,
    { d: `2024-10-${String(5 + (i % 3)).padStart(2, '0')}`, fmt: 'yyyy/MM/dd' },
    i % 2 === 0 ? '续约客户' : null,
  ])
}

export const COMMISSION_HEADER = ['工号', '姓名', '提成金额', '成交单数', '结算日期', '客户备注'] as const
export const COMMISSION_TITLE = '2024年9月 销售提成'

/** The big sheet's cell (row 0 is the header): deterministic, so reads need no stored data. */
export function bigCell(row: number, col: number): SheetCell {
  if (row === 0) return col === 0 ? '工号' : col === 1 ? '姓名' : `项目${col}`
  if (col === 0) return `E${String(row).padStart(6, '0')}`
  if (col === 1) return `员工${row}`
  return ((row * 31 + col * 17) % 10_000) / 100
}

export const BIG_ROWS = 100_000
export const BIG_COLUMNS = 30

export function createDocuments(employees: readonly Employee[]): SandboxDocuments {
  const people = commissionPeople(employees)
  const commission: SheetCell[][] = [[COMMISSION_TITLE], [...COMMISSION_HEADER], ...commissionRows(employees)]
  const payrollSheet: SandboxSpreadsheet = {
    token: DOC_TOKENS.payrollSheet, title: '销售提成 2024-09', owner: 'wangfang', readers: PAYROLL_READERS,
    sheets: [gridSheet(DOC_TOKENS.payrollSheetId, '提成明细', commission, {
      // The title is merged across the six columns (as the xlsx of the same data has it).
      merges: [{ start_row_index: 0, end_row_index: 0, start_column_index: 0, end_column_index: 5 }],
    })],
  }
  // Merged two-row header, formulas, dates, numbers typed as text (007123) and shown through a
  // format (456 as 000456), an empty sheet and a protected one.
  const odd: SheetCell[][] = [
    ['工号', '姓名', '出勤', null, '入职日期', '编号'],
    [null, null, '应出勤', '实出勤', null, null],
    ['FS00001', '王芳', 22, { f: '=C3-1', v: 21 }, { d: '2021-03-15', fmt: 'yyyy/MM/dd' }, '007123'],
    ['FS00002', '李娜', 22, { f: '=C4', v: 22 }, { d: '2019-11-01', fmt: 'yyyy-MM-dd' }, { n: 456, fmt: '000000' }],
    ['FS00003', '张伟', 21.5, 20, { d: '2022-07-04', fmt: 'yyyy/MM/dd' }, '012000'],
  ]
  const oddSheet: SandboxSpreadsheet = {
    token: DOC_TOKENS.oddSheet, title: '各种情况', owner: 'zhangwei', readers: ['zhangwei', 'wangfang'],
    sheets: [
      gridSheet('odd001', '合并表头', odd, {
        merges: [
          { start_row_index: 0, end_row_index: 0, start_column_index: 2, end_column_index: 3 },
          { start_row_index: 0, end_row_index: 1, start_column_index: 0, end_column_index: 0 },
          { start_row_index: 0, end_row_index: 1, start_column_index: 1, end_column_index: 1 },
          { start_row_index: 0, end_row_index: 1, start_column_index: 4, end_column_index: 4 },
          { start_row_index: 0, end_row_index: 1, start_column_index: 5, end_column_index: 5 },
        ],
      }),
      { sheet_id: 'odd002', title: '空表', rowCount: 200, columnCount: 20, merges: [], cell: () => null },
      gridSheet('odd003', '受保护', [['工号', '姓名', '扣款'], ['FS00001', '王芳', 50], ['FS00003', '张伟', 0]], { protected: true }),
    ],
  }
  const bigSheet: SandboxSpreadsheet = {
    token: DOC_TOKENS.bigSheet, title: '10万行', owner: 'wangfang', readers: ADMIN_ONLY,
    sheets: [{ sheet_id: DOC_TOKENS.bigSheetId, title: 'Sheet1', rowCount: BIG_ROWS + 1, columnCount: BIG_COLUMNS, merges: [], cell: bigCell }],
  }
  // Over what an import takes (1,000,000 rows): refused from its metadata, before any value is read.
  const huge: SandboxSpreadsheet = {
    token: DOC_TOKENS.hugeSheet, title: '200万行', owner: 'wangfang', readers: ADMIN_ONLY,
    sheets: [{ sheet_id: 'huge01', title: 'Sheet1', rowCount: 2_000_000, columnCount: 5, merges: [], cell: (r, c) => (r === 0 ? `列${c + 1}` : r * 10 + c) }],
  }
  const deleted: SandboxSpreadsheet = { token: DOC_TOKENS.deletedSheet, title: '已删除', owner: 'wangfang', readers: ADMIN_ONLY, deleted: true, sheets: [] }

  const base = commissionBase(employees, people)
  const wiki: WikiNode[] = [
    { node_token: DOC_TOKENS.wikiPayroll, obj_token: DOC_TOKENS.payrollSheet, obj_type: 'sheet', title: '销售提成 2024-09', readers: PAYROLL_READERS },
    { node_token: DOC_TOKENS.wikiBase, obj_token: DOC_TOKENS.payrollBase, obj_type: 'bitable', title: '提成台账', readers: PAYROLL_READERS },
    { node_token: DOC_TOKENS.wikiDoc, obj_token: 'doxcnMeetingNotes01', obj_type: 'docx', title: '周会纪要', readers: 'all' },
  ]
  return {
    spreadsheets: new Map([payrollSheet, oddSheet, bigSheet, huge, deleted].map((s) => [s.token, s])),
    bases: new Map([base, attendanceBase(employees)].map((b) => [b.app_token, b])),
    wiki: new Map(wiki.map((n) => [n.node_token, n])),
  }
}

/** Midnight of a day in Asia/Shanghai as a Base date value (ms). */
export function baseDateMs(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
  return Date.UTC(y, m - 1, d) - 8 * 3600_000
}

function commissionBase(employees: readonly Employee[], people: Employee[]): SandboxBase {
  const fields: BaseField[] = [
    { field_id: 'fldNo', field_name: '工号', type: 1, ui_type: 'Text', is_primary: true },
    { field_id: 'fldName', field_name: '姓名', type: 1, ui_type: 'Text' },
    { field_id: 'fldAmt', field_name: '提成金额', type: 2, ui_type: 'Currency', property: { formatter: '0.00', currency_code: 'CNY' } },
    { field_id: 'fldDeals', field_name: '成交单数', type: 2, ui_type: 'Number', property: { formatter: '0' } },
    { field_id: 'fldDate', field_name: '结算日期', type: 5, ui_type: 'DateTime', property: { date_formatter: 'yyyy/MM/dd' } },
    { field_id: 'fldNote', field_name: '客户备注', type: 3, ui_type: 'SingleSelect', property: { options: [{ name: '续约客户' }, { name: '新客户' }] } },
    { field_id: 'fldOwner', field_name: '负责人', type: 11, ui_type: 'User' },
    { field_id: 'fldCreated', field_name: '创建时间', type: 1001, ui_type: 'CreatedTime' },
  ]
  const sheetRows = commissionRows(employees)
  const records: BaseRecord[] = people.slice(0, 8).map((e, i) => {
    const row = sheetRows[i]!
    const amount = row[2]
    return {
      record_id: `rec${String(i + 1).padStart(6, '0')}`,
      views: ['vewAll', DOC_TOKENS.salesView],
      fields: {
        工号: [{ type: 'text', text: e.employee_no }],
        姓名: [{ type: 'text', text: e.name }],
        提成金额: typeof amount === 'object' && amount !== null && 'v' in amount ? amount.v : amount,
        成交单数: row[3],
        结算日期: baseDateMs(`2024-10-${String(5 + (i % 3)).padStart(2, '0')}`),
        ...(row[5] ? { 客户备注: row[5] } : {}),
        负责人: [{ id: e.open_id, name: e.name, en_name: e.en_name, email: e.email }],
        创建时间: baseDateMs('2024-09-30') + 9 * 3600_000,
      },
    }
  })
  // 1,234 records: three pages of 500 (paging), every tenth one outside the Sales view.
  const many: BaseRecord[] = []
  for (let i = 0; i < 1234; i++) {
    const e = employees[i % employees.length]!
    many.push({
      record_id: `recm${String(i).padStart(6, '0')}`,
      views: i % 10 === 9 ? ['vewAll'] : ['vewAll', DOC_TOKENS.salesView],
      fields: { 工号: [{ type: 'text', text: e.employee_no }], 序号: i + 1 },
    })
  }
  return {
    app_token: DOC_TOKENS.payrollBase, name: '提成台账', owner: 'wangfang', readers: PAYROLL_READERS,
    tables: [
      { table_id: DOC_TOKENS.payrollBaseTable, name: '2024-09', fields, views: [{ view_id: 'vewAll', view_name: '全部' }, { view_id: DOC_TOKENS.salesView, view_name: '销售' }], records },
      {
        table_id: DOC_TOKENS.pagingBaseTable, name: '大量记录',
        fields: [{ field_id: 'fldNo2', field_name: '工号', type: 1, ui_type: 'Text', is_primary: true }, { field_id: 'fldSeq', field_name: '序号', type: 2, ui_type: 'Number' }],
        views: [{ view_id: 'vewAll', view_name: '全部' }, { view_id: DOC_TOKENS.salesView, view_name: '销售' }], records: many,
      },
    ],
  }
}

/**
 * The attendance admin's month in a Base: a person field (人员) for the member, two day counts and a
 * note — HQ functions people of archive rule 1, and one person from outside the company (not in the
 * contact directory: no user ID or employee number for them).
 */
function attendanceBase(employees: readonly Employee[]): SandboxBase {
  const fields: BaseField[] = [
    { field_id: 'fldWho', field_name: '人员', type: 11, ui_type: 'User', is_primary: true },
    { field_id: 'fldDue', field_name: '应出勤天数', type: 2, ui_type: 'Number', property: { formatter: '0.0' } },
    { field_id: 'fldWorked', field_name: '实际出勤天数', type: 2, ui_type: 'Number', property: { formatter: '0.0' } },
    { field_id: 'fldNote', field_name: '备注', type: 1, ui_type: 'Text' },
  ]
  const people = employees.filter((e) => e.department === 'HR' && e.status === 'hired' && !e.persona).slice(0, 5)
  const records: BaseRecord[] = people.map((e, i) => ({
    record_id: `reca${String(i + 1).padStart(5, '0')}`, views: ['vewAll'],
    fields: { 人员: [{ id: e.open_id, name: e.name, en_name: e.en_name, email: e.email }], 应出勤天数: 22, 实际出勤天数: 22 - (i % 3), ...(i === 1 ? { 备注: [{ type: 'text', text: '病假 1 天' }] } : {}) },
  }))
  records.push({ record_id: 'reca99999', views: ['vewAll'], fields: { 人员: [{ id: 'ou_external0000000000000000000001', name: '外部顾问', en_name: 'Outside consultant' }], 应出勤天数: 22, 实际出勤天数: 20 } })
  return {
    app_token: DOC_TOKENS.attendanceBase, name: '考勤汇总', owner: 'zhangwei', readers: ['zhangwei'],
    tables: [{ table_id: DOC_TOKENS.attendanceBaseTable, name: '2024-09', fields, views: [{ view_id: 'vewAll', view_name: '全部' }], records }],
  }
}

export function canRead(readers: 'all' | readonly string[], userId: string | null): boolean {
  return readers === 'all' || (userId !== null && readers.includes(userId))
}
