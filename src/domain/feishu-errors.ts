/**
 * What the Feishu errors a write job can meet mean for the HR person who started it, and what they
 * can do about it. Codes and their conditions: reference/feishu-api.md §1.5 (gateway), §3 (attendance)
 * and §4.2 (payroll save). Pure: the server compiles this too.
 */
import type { Locale } from './target'

export interface FeishuErrorText {
  message: string
  hint: string
}

type Entry = Record<Locale, FeishuErrorText>

const PAYROLL_ROLE_ZH = '「外部数据源 - 数据明细」'
const PAYROLL_ROLE_EN = '「外部数据源 - 数据明细」 (External datasource – record details)'

export const FEISHU_ERRORS = {
  // Payroll external datasource (§4.2 save, §4.3 query)
  2500001: {
    'zh-CN': { message: '飞书薪酬服务内部出错，这一批没有保存', hint: '稍后再试；如果一直出现，请把错误码告诉飞书管理员。' },
    'en-US': { message: 'Feishu Payroll had an internal error; this batch was not saved', hint: 'Try again later. If it keeps happening, give the code to your Feishu admin.' },
  },
  2500002: {
    'zh-CN': { message: '飞书认为请求的内容不正确', hint: '检查这一行的值；如果都正确，请把错误码告诉本应用的维护人员。' },
    'en-US': { message: 'Feishu found the request invalid', hint: 'Check the values in this row. If they look right, give the code to whoever maintains this app.' },
  },
  2500004: {
    'zh-CN': { message: '飞书中不存在这个外部数据源', hint: '数据源可能已被删除或改了编码。请在飞书人事中确认数据源后重新选择。' },
    'en-US': { message: 'This external datasource does not exist in Feishu', hint: 'It may have been deleted or its code changed. Check it in Feishu People and choose it again.' },
  },
  2500005: {
    'zh-CN': { message: '数据源中没有这个字段', hint: '字段可能已被删除或改了编码。重新加载数据源，再对应一次表格的列。' },
    'en-US': { message: 'The datasource has no such field', hint: 'The field may have been deleted or its code changed. Reload the datasource and map the columns again.' },
  },
  2500006: {
    'zh-CN': { message: '查询缺少算薪期间条件', hint: '查询飞书中的数据时必须指定算薪期间（最多 2 个月）。' },
    'en-US': { message: 'The query has no payroll period', hint: 'Reading data from Feishu needs a payroll period (at most 2 months).' },
  },
  2500007: {
    'zh-CN': { message: '查询条件中的值太多或为空', hint: '每次最多查询 100 个雇佣 ID 和 2 个算薪期间。' },
    'en-US': { message: 'A query condition has too many values, or none', hint: 'Query at most 100 employment IDs and 2 payroll periods at a time.' },
  },
  2500008: {
    'zh-CN': { message: '这个外部数据源已停用', hint: '请薪酬管理员在飞书人事 › 算薪 › 外部数据源中启用它，然后再写入。' },
    'en-US': { message: 'This external datasource is stopped', hint: 'A payroll admin must enable it in Feishu People › Payroll › External datasources before data can be written.' },
  },
  2500009: {
    'zh-CN': { message: '数据源中的某个字段已停用', hint: '在飞书中启用该字段，或在导入时不再对应这一列。' },
    'en-US': { message: 'A field of the datasource is stopped', hint: 'Enable the field in Feishu, or stop mapping that column.' },
  },
  2500010: {
    'zh-CN': { message: '某个值的格式与字段类型不符', hint: '金额和数值只写数字，日期写成 yyyy-mm-dd，算薪期间写成 yyyy-mm。' },
    'en-US': { message: 'A value does not match its field’s type', hint: 'Amounts and numbers take digits only, dates yyyy-mm-dd, the payroll period yyyy-mm.' },
  },
  2500011: {
    'zh-CN': { message: '文本超过 500 个字', hint: '把该单元格缩短到 500 个字以内。' },
    'en-US': { message: 'A text is longer than 500 characters', hint: 'Shorten the cell to at most 500 characters.' },
  },
  2500012: {
    'zh-CN': { message: '这一行的文本合计超过 3000 个字', hint: '飞书限制每条记录的文本总长度，请缩短这一行中的文本。' },
    'en-US': { message: 'The texts in this row total more than 3,000 characters', hint: 'Feishu limits the total text per record; shorten the texts in this row.' },
  },
  2500013: {
    'zh-CN': { message: '这一行缺少必填字段（雇佣 ID 或算薪期间）', hint: '每一行都要有雇佣 ID 和算薪期间。' },
    'en-US': { message: 'This row lacks a required field (employment ID or payroll period)', hint: 'Every row needs an employment ID and a payroll period.' },
  },
  2500014: {
    'zh-CN': {
      message: '你没有此员工的数据权限',
      hint: `请飞书人事管理员在「角色配置」中为你开通 ${PAYROLL_ROLE_ZH} 权限，并把该员工所在的薪资组加入你的数据范围。其他行不受影响。`,
    },
    'en-US': {
      message: 'You have no data permission for this employee',
      hint: `Ask a Feishu People admin to give you the role permission ${PAYROLL_ROLE_EN} in Role settings, with this employee’s pay group in your data scope. Other rows are not affected.`,
    },
  },
  2500015: {
    'zh-CN': { message: '找不到这个雇佣 ID 对应的员工', hint: '检查雇佣 ID：它是飞书人事中的雇佣 ID，不是工号。' },
    'en-US': { message: 'No employee has this employment ID', hint: 'Check the employment ID: it is the Feishu People employment ID, not the employee number.' },
  },
  2500016: {
    'zh-CN': { message: '算薪期间早于 1970-01', hint: '检查年份，算薪期间写成 yyyy-mm。' },
    'en-US': { message: 'The payroll period is before 1970-01', hint: 'Check the year; write the period as yyyy-mm.' },
  },
  2500017: {
    'zh-CN': { message: '同一员工同一算薪期间在这一批中出现了多次', hint: '同一个雇佣 ID 和算薪期间只能有一行；合并或删除重复的行。' },
    'en-US': { message: 'The same employee and period appear more than once in this batch', hint: 'Each employment ID and payroll period may appear in one row only; merge or delete the repeats.' },
  },
  2500018: {
    'zh-CN': { message: '这一行中同一个字段出现了两次', hint: '有两列对应到了同一个字段；只保留一列。' },
    'en-US': { message: 'A field is given twice in this row', hint: 'Two columns are mapped to the same field; keep only one.' },
  },
  2500019: {
    'zh-CN': { message: '查询条件中的值格式不正确', hint: '算薪期间写成 yyyy-mm，日期写成 yyyy-mm-dd。' },
    'en-US': { message: 'A query condition has a value in the wrong format', hint: 'Write payroll periods as yyyy-mm and dates as yyyy-mm-dd.' },
  },
  2500020: {
    'zh-CN': { message: '外部数据源的数据量已达上限', hint: '请薪酬管理员清理不再需要的记录，或联系飞书客户成功经理。' },
    'en-US': { message: 'The external datasource has reached its data capacity', hint: 'Ask a payroll admin to remove records no longer needed, or contact your Feishu customer success manager.' },
  },
  2500021: {
    'zh-CN': { message: '这个数据源正在被其他写入占用', hint: '任务会自动等待并重试；如果一直出现，看看是否有同事正在向同一个数据源导入。' },
    'en-US': { message: 'Another write to this datasource is in progress', hint: 'The job waits and retries by itself. If it persists, check whether a colleague is importing into the same datasource.' },
  },

  // Attendance archive report (§3)
  1220001: {
    'zh-CN': { message: '飞书考勤认为请求中的某个值不正确', hint: '检查用户 ID 或工号、月份（yyyyMM）和考勤日期（yyyyMMdd）。' },
    'en-US': { message: 'Feishu Attendance found a value in the request invalid', hint: 'Check the user IDs or employee numbers, the month (yyyyMM) and the dates (yyyyMMdd).' },
  },
  1220600: {
    'zh-CN': {
      message: '飞书考勤拒绝了这次写入',
      hint: '常见原因：你没有考勤管理员角色或该成员的数据权限、该月已封账、归档规则已不存在。飞书的原始说明见错误信息。',
    },
    'en-US': {
      message: 'Feishu Attendance refused this write',
      hint: 'Usual causes: you lack the attendance admin role or data permission for this member, the month is sealed, or the archive rule no longer exists. Feishu’s own words are in the message.',
    },
  },
  1225000: {
    'zh-CN': { message: '飞书考勤服务内部出错', hint: '稍后再试；如果一直出现，请把错误码告诉飞书管理员。' },
    'en-US': { message: 'Feishu Attendance had an internal error', hint: 'Try again later. If it keeps happening, give the code to your Feishu admin.' },
  },
  invalid_code: {
    'zh-CN': { message: '飞书不认识这个报表字段，它的值没有写入', hint: '这一列的编码不是该归档报表的字段（或字段已被移除）。检查列标题，或重新加载报表表头后再对应一次表格的列。' },
    'en-US': { message: 'Feishu did not recognise this report field, so its value was not written', hint: 'The column’s code is not a field of this archive report (or the field was removed). Check the column header, or reload the report fields and map the columns again.' },
  },
  unchanged: {
    'zh-CN': { message: '飞书中已是这些值，未重复写入', hint: '无需处理。' },
    'en-US': { message: 'Feishu already held these values, so nothing was sent', hint: 'Nothing to do.' },
  },
  upload_abandoned: {
    'zh-CN': { message: '文件的数据没有传完，任务已取消，没有写入任何数据', hint: '上传过程中页面被关闭或网络中断超过一天。请重新导入这个文件。' },
    'en-US': { message: 'The file’s rows never finished arriving, so the job was cancelled and nothing was written', hint: 'The page was closed or the connection lost during the upload more than a day ago. Import the file again.' },
  },
  invalid_member_id: {
    'zh-CN': { message: '飞书不认识这个成员', hint: '检查用户 ID 或工号是否正确，以及该成员是否属于这个归档规则。' },
    'en-US': { message: 'Feishu did not recognise this member', hint: 'Check the user ID or employee number, and that the member belongs to this archive rule.' },
  },

  // Gateway and authorization (§1.4, §1.5)
  99991400: {
    'zh-CN': { message: '飞书正在限制写入速度', hint: '任务会自动放慢并重试，无需处理。' },
    'en-US': { message: 'Feishu is limiting how fast data can be written', hint: 'The job slows down and retries by itself; nothing to do.' },
  },
  99991403: {
    'zh-CN': { message: '本企业本月的飞书接口调用额度已用完', hint: '请飞书管理员联系飞书客户成功经理提高额度，或等到下月。' },
    'en-US': { message: 'Your company has used up this month’s Feishu API quota', hint: 'Ask your Feishu admin to contact Feishu customer success for more quota, or wait for next month.' },
  },
  99991668: {
    'zh-CN': { message: '你的飞书授权已失效', hint: '重新登录即可；任务会在你登录后自动继续。' },
    'en-US': { message: 'Your Feishu authorization is no longer valid', hint: 'Sign in again; the job continues by itself afterwards.' },
  },
  99991672: {
    'zh-CN': { message: '应用本身缺少所需的飞书接口权限', hint: '请飞书管理员在开发者后台为本应用开通该权限并发布新版本。' },
    'en-US': { message: 'The app itself lacks a Feishu API permission it needs', hint: 'Ask your Feishu admin to enable the permission for this app in the developer console and publish a new version.' },
  },
  99991676: {
    'zh-CN': { message: '你的飞书授权不包含这项操作的权限', hint: '重新登录，并允许应用申请的全部权限。' },
    'en-US': { message: 'Your Feishu authorization does not cover this action', hint: 'Sign in again and allow all the permissions the app asks for.' },
  },
  99991677: {
    'zh-CN': { message: '你的飞书授权已过期', hint: '重新登录即可；任务会在你登录后自动继续。' },
    'en-US': { message: 'Your Feishu authorization has expired', hint: 'Sign in again; the job continues by itself afterwards.' },
  },
  99991679: {
    'zh-CN': { message: '你还没有授予应用所需的权限', hint: '重新登录，并在授权页面允许应用申请的权限。' },
    'en-US': { message: 'You have not granted the app a permission it needs', hint: 'Sign in again and allow the permissions on the authorization page.' },
  },
} satisfies Record<string, Entry>

export type FeishuErrorCode = keyof typeof FEISHU_ERRORS

const CATALOGUE: Record<string, Entry | undefined> = FEISHU_ERRORS

export function isKnownFeishuError(code: number | string): boolean {
  return CATALOGUE[String(code)] !== undefined
}

const UNKNOWN: Record<Locale, { message: (code: string, feishu: string) => string; hint: string }> = {
  'zh-CN': {
    message: (code, feishu) => (feishu ? `飞书返回：${feishu}（错误码 ${code}）` : `飞书返回了错误（错误码 ${code}）`),
    hint: '稍后再试；如果一直出现，请把错误码告诉飞书管理员。',
  },
  'en-US': {
    message: (code, feishu) => (feishu ? `Feishu said: ${feishu} (code ${code})` : `Feishu reported an error (code ${code})`),
    hint: 'Try again later. If it keeps happening, give the code to your Feishu admin.',
  },
}

/** A known code in plain words; an unknown one shows Feishu's own message with the code. */
export function feishuErrorText(code: number | string, locale: Locale, fallbackMessage?: string): FeishuErrorText {
  const entry = CATALOGUE[String(code)]
  if (entry) return entry[locale]
  const unknown = UNKNOWN[locale]
  return { message: unknown.message(String(code), fallbackMessage?.trim() ?? ''), hint: unknown.hint }
}
