// Texts of the occur-day and custom-period pickers, in both languages. The payroll-period picker
// keeps its keys in src/i18n (payroll.import.period*); these belong with the picker that uses them.
import type { I18nText } from '../../domain/target'

export const PERIOD_TEXTS = {
  occurDay: { 'zh-CN': '数据发生日期', 'en-US': 'Occur day' },
  occurDayHint: { 'zh-CN': '该数据源按数据发生日期写入：文件中的每条记录都写入所选日期。', 'en-US': 'This datasource is written by occur day: every record in the file is written for the chosen day.' },
  customPeriod: { 'zh-CN': '自定义数据周期', 'en-US': 'Custom period' },
  customStart: { 'zh-CN': '开始日期', 'en-US': 'Start' },
  customEnd: { 'zh-CN': '结束日期', 'en-US': 'End' },
  customHint: { 'zh-CN': '该数据源按自定义数据周期写入：文件中的每条记录都写入所选周期（含首尾两天）。', 'en-US': 'This datasource is written by custom period: every record in the file is written for the chosen period (both days included).' },
  bad_date: { 'zh-CN': '请选择日期（yyyy-mm-dd）。', 'en-US': 'Choose a day (yyyy-mm-dd).' },
  end_before_start: { 'zh-CN': '结束日期不能早于开始日期。', 'en-US': 'The end cannot be before the start.' },
} as const satisfies Record<string, I18nText>
