/**
 * Validation results are data: one Issue per problem, rendered by one component. Messages and fix
 * hints live here (not in vue-i18n) because the server produces the same issues with the same code.
 */
import type { Locale } from './target'

export type Severity = 'error' | 'warning'

export const ISSUE_CODES = [
  'required',
  'not_a_number',
  'rounded',
  'bad_date',
  'ambiguous_date',
  'bad_month',
  'month_too_early',
  'text_too_long',
  'record_text_too_long',
  'duplicate_key',
  'field_stopped',
  'bad_identifier',
  'identifier_precision_lost',
  'out_of_range',
  'reinterpreted',
  'date_guessed',
  'identifier_normalised',
  'hidden_row',
] as const

export type IssueCode = (typeof ISSUE_CODES)[number]

export interface Issue {
  /** 0-based data row (the first row under the header is 0). */
  row: number
  /** Field code; null = the whole row. */
  field: string | null
  severity: Severity
  code: IssueCode
  params?: Record<string, string | number>
}

type Template = { message: string; hint: string }

/** `{name}` placeholders are filled from Issue.params. */
export const ISSUE_CATALOGUE: Record<IssueCode, Record<Locale, Template>> = {
  required: {
    'zh-CN': { message: '必填项为空', hint: '填写该单元格，或删除这一行。' },
    'en-US': { message: 'This value is required', hint: 'Fill in the cell, or delete the row.' },
  },
  not_a_number: {
    'zh-CN': { message: '「{value}」不是数字', hint: '只填写数字，例如 1234.56；可带千分位和 ¥，不要带单位或文字。' },
    'en-US': { message: '"{value}" is not a number', hint: 'Enter digits only, e.g. 1234.56; separators and ¥ are fine, units and words are not.' },
  },
  rounded: {
    'zh-CN': { message: '{from} 已四舍五入为 {to}', hint: '该字段只保留 {places} 位小数；如需其他精度，请在飞书中修改字段设置。' },
    'en-US': { message: '{from} was rounded to {to}', hint: 'This field keeps {places} decimals; change the field settings in Feishu for a different precision.' },
  },
  bad_date: {
    'zh-CN': { message: '「{value}」不是有效日期', hint: '请写成 {format}，例如 {example}。' },
    'en-US': { message: '"{value}" is not a valid date', hint: 'Write it as {format}, e.g. {example}.' },
  },
  ambiguous_date: {
    'zh-CN': { message: '「{value}」无法判断是日/月还是月/日', hint: '请写成 yyyy-mm-dd，或在「批量修正 › 日期格式」中指定该列的顺序。' },
    'en-US': { message: '"{value}" could be day/month or month/day', hint: 'Write it as yyyy-mm-dd, or choose the order for this column in Bulk fixes › Date format.' },
  },
  bad_month: {
    'zh-CN': { message: '「{value}」不是有效月份', hint: '请写成 {format}，例如 {example}。' },
    'en-US': { message: '"{value}" is not a valid month', hint: 'Write it as {format}, e.g. {example}.' },
  },
  month_too_early: {
    'zh-CN': { message: '月份 {value} 早于 1970-01', hint: '飞书只接受 1970 年 1 月及以后的月份，请检查年份。' },
    'en-US': { message: 'Month {value} is before 1970-01', hint: 'Feishu accepts months from January 1970 on; check the year.' },
  },
  text_too_long: {
    'zh-CN': { message: '文本有 {length} 个字，超过上限 {limit}', hint: '缩短到 {limit} 个字以内。' },
    'en-US': { message: 'Text has {length} characters, over the limit of {limit}', hint: 'Shorten it to at most {limit} characters.' },
  },
  record_text_too_long: {
    'zh-CN': { message: '这一行的文本合计 {length} 个字，超过上限 {limit}', hint: '飞书限制每条记录的文本总长度，请缩短这一行中的文本。' },
    'en-US': { message: 'The texts in this row total {length} characters, over the limit of {limit}', hint: 'Feishu limits the total text per record; shorten the texts in this row.' },
  },
  duplicate_key: {
    'zh-CN': { message: '「{key}」在文件中出现了 {count} 次', hint: '同一个 {fields} 只能有一行；合并或删除重复的行。' },
    'en-US': { message: '"{key}" appears {count} times in the file', hint: 'Each {fields} may appear in one row only; merge or delete the repeated rows.' },
  },
  field_stopped: {
    'zh-CN': { message: '该字段已停用，这个值不会写入', hint: '{reason}如需写入，请先在飞书中启用该字段。' },
    'en-US': { message: 'This field is stopped; the value will not be written', hint: '{reason}Enable the field in Feishu first to write it.' },
  },
  bad_identifier: {
    'zh-CN': { message: '「{value}」不是有效的编号', hint: '编号不能含空格、换行或小数；请从飞书复制原编号。' },
    'en-US': { message: '"{value}" is not a valid ID', hint: 'IDs have no spaces, line breaks or decimals; copy the ID from Feishu.' },
  },
  identifier_precision_lost: {
    'zh-CN': { message: '编号 {value} 位数过多，Excel 已丢失末尾数字', hint: '把该列设为「文本」格式后重新粘贴编号，再导入。' },
    'en-US': { message: 'ID {value} is too long; Excel has lost its last digits', hint: 'Format the column as Text, paste the IDs again, then import.' },
  },
  reinterpreted: {
    'zh-CN': { message: '「{value}」按 {to} 读取（{how}）', hint: '如果这不是本意，请直接修改该单元格。' },
    'en-US': { message: '"{value}" read as {to} ({how})', hint: 'If that is not what was meant, edit the cell.' },
  },
  date_guessed: {
    'zh-CN': { message: '「{value}」推测为日期 {to}', hint: '请核对；写成 yyyy-mm-dd 可避免推测。' },
    'en-US': { message: '"{value}" taken to be the date {to}', hint: 'Check it; write yyyy-mm-dd to avoid the guess.' },
  },
  identifier_normalised: {
    'zh-CN': { message: '编号「{value}」已改为「{to}」', hint: '已转为半角、去掉首尾空格，字母大小写与本列其他编号一致；飞书按这个编号查找。' },
    'en-US': { message: 'ID "{value}" changed to "{to}"', hint: 'Made half-width, trimmed, and in the letter case the other IDs of the column use; Feishu looks this ID up.' },
  },
  hidden_row: {
    'zh-CN': { message: '这一行在 Excel 中被隐藏', hint: '隐藏的行通常表示不想导入；可用「批量修正 › 不导入隐藏行」去掉它们。' },
    'en-US': { message: 'This row is hidden in Excel', hint: 'Hidden rows are often meant to be left out; use Fix all cells › Leave hidden rows out.' },
  },
  out_of_range: {
    'zh-CN': { message: '{value} 超出允许范围', hint: '数值的绝对值必须小于 {max}。' },
    'en-US': { message: '{value} is out of range', hint: 'The absolute value must be below {max}.' },
  },
}

/** How a number text was reinterpreted (values.ts NumberReading), for the 'reinterpreted' warning. */
export const READING_TEXT: Record<string, Record<Locale, string>> = {
  parentheses: { 'zh-CN': '括号表示负数', 'en-US': 'parentheses as a minus sign' },
  currency: { 'zh-CN': '去掉货币符号', 'en-US': 'currency sign dropped' },
  grouping: { 'zh-CN': '逗号作千分位', 'en-US': 'comma as a thousands separator' },
  percent: { 'zh-CN': '去掉百分号', 'en-US': 'percent sign dropped' },
}

const PLACEHOLDER = /\{(\w+)\}/g

/** A localised param is passed as `name_zh-CN` / `name_en-US`; a plain `name` serves both languages. */
function fill(template: string, params: Record<string, string | number> | undefined, locale: Locale): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = params?.[`${name}_${locale}`] ?? params?.[name]
    return value === undefined ? '' : String(value)
  })
}

export function issueMessage(issue: Pick<Issue, 'code' | 'params'>, locale: Locale): { message: string; hint: string } {
  const entry = ISSUE_CATALOGUE[issue.code][locale]
  return { message: fill(entry.message, issue.params, locale), hint: fill(entry.hint, issue.params, locale) }
}
