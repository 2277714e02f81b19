// Datasources as GET /api/payroll/datasources answers them, built from Feishu-shaped configs.
import type { CurrentRecord, PayrollDatasource, PayrollField, PeriodRecordsPart } from '../../src/api/payroll'
import type { PayrollKey } from '../../src/domain/jobs'
import { previousKey } from '../../src/domain/payroll-checks'
import { i18nText, payrollKeyOf, payrollTarget, type FeishuDatasource } from '../../src/domain/payroll'

const n = (zh: string, en: string) => [{ locale: 'zh_cn', value: zh }, { locale: 'en_us', value: en }]

function fromFeishu(ds: FeishuDatasource): PayrollDatasource {
  return {
    code: ds.code,
    names: i18nText(ds.i18n_names, ds.code),
    active: ds.active_status === 1,
    period_type: ds.data_period_type ?? null,
    description: ds.i18n_description ? i18nText(ds.i18n_description, '') : null,
    fields: ds.fields.map((f): PayrollField => ({
      code: f.code,
      names: i18nText(f.i18n_names, f.code),
      field_type: f.field_type as PayrollField['field_type'],
      decimal_places: f.decimal_places ?? null,
      active: f.active_status === 1,
    })),
    schema: payrollTarget(ds),
  }
}

export const bonus = fromFeishu({
  code: 'bonus__c',
  i18n_names: n('季度奖金', 'Quarterly bonus'),
  active_status: 1,
  data_period_type: 1,
  i18n_description: n('每季度发放', 'Paid every quarter'),
  fields: [
    { code: 'employment_id', i18n_names: n('雇佣 ID', 'Employment ID'), field_type: 3, active_status: 1 },
    { code: 'payroll_period', i18n_names: n('算薪期间', 'Payroll period'), field_type: 4, active_status: 1 },
    { code: 'amount__c', i18n_names: n('奖金金额', 'Bonus amount'), field_type: 1, active_status: 1, decimal_places: 2 },
    { code: 'note__c', i18n_names: n('备注', 'Note'), field_type: 3, active_status: 1 },
    { code: 'legacy__c', i18n_names: n('旧扣款', 'Old deduction'), field_type: 1, active_status: 2, decimal_places: 2 },
  ],
})

export const stopped = fromFeishu({
  code: 'legacy_allowance__c',
  i18n_names: n('旧版津贴', 'Legacy allowance'),
  active_status: 2,
  data_period_type: 1,
  fields: [
    { code: 'employment_id', i18n_names: n('雇佣 ID', 'Employment ID'), field_type: 3, active_status: 1 },
    { code: 'payroll_period', i18n_names: n('算薪期间', 'Payroll period'), field_type: 4, active_status: 1 },
    { code: 'allowance__c', i18n_names: n('津贴', 'Allowance'), field_type: 2, active_status: 1, decimal_places: 3 },
  ],
})

/**
 * A fake of periodRecords answering in one part: `current` are the period's records (only the file's
 * employments are used), `previous` the period before's (variance). `check` sees each request body.
 */
export function periodPart(current: Record<string, CurrentRecord>, previous: Record<string, CurrentRecord> = {}, check?: (body: { source_code: string; cursor?: string } & PayrollKey) => void) {
  return async (body: { source_code: string; cursor?: string } & PayrollKey): Promise<PeriodRecordsPart> => {
    check?.(body)
    const key = payrollKeyOf(body)
    return { key, previous_key: previousKey(key), current, previous, cursor: null }
  }
}
