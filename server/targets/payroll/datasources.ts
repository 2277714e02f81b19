import { i18nText, payrollTarget } from '../../../src/domain/payroll'
import type { TargetSchema, I18nText } from '../../../src/domain/target'
import { allPages } from '../../../src/domain/paging'
import { AppError } from '../../errors'
import type { Datasource, FeishuClient } from '../../feishu/client'
import { withRetries } from '../../feishu/retry'
import type { Pacer } from '../../jobs/pacer'

export interface DatasourceView {
  code: string
  names: I18nText
  active: boolean
  period_type: number | null
  description: I18nText | null
  fields: Array<{ code: string; names: I18nText; field_type: number; decimal_places: number | null; active: boolean }>
  schema: TargetSchema
}

/** Every datasource the person can see, all pages, with their own token (§4.1). */
export async function listDatasources(feishu: FeishuClient, pacer: Pacer, token: string): Promise<DatasourceView[]> {
  const all = await allPages('payroll.datasource.list', (page) => pacer.schedule('payroll.datasource.list', () => feishu.listDatasources(token, page)))
  return all.map((ds) => ({
    code: ds.code,
    names: i18nText(ds.i18n_names, ds.code),
    active: ds.active_status === 1,
    period_type: ds.data_period_type ?? null,
    description: ds.i18n_description?.length ? i18nText(ds.i18n_description, '') : null,
    fields: ds.fields.map((f) => ({ code: f.code, names: i18nText(f.i18n_names, f.code), field_type: f.field_type, decimal_places: f.decimal_places ?? null, active: f.active_status === 1 })),
    schema: payrollTarget(ds),
  }))
}

/**
 * The one datasource a job writes into, read with the owner's token when the job is created (its
 * fields decide how rows are checked). Stopped or unknown → refused with a clear error; a Feishu
 * failure is thrown as it came (the caller maps it to the app's error).
 */
export async function findDatasource(feishu: FeishuClient, pacer: Pacer, token: string, code: string): Promise<Datasource> {
  const seen = await allPages('payroll.datasource.list', (page) => withRetries(() => pacer.schedule('payroll.datasource.list', () => feishu.listDatasources(token, page))), (d) => d.code === code)
  const ds = seen.find((d) => d.code === code)
  if (!ds) throw new AppError(400, 'unknown_target', `You have no datasource ${code} in Feishu (or no permission to see it).`)
  if (ds.active_status !== 1) throw new AppError(400, 'target_stopped', `The datasource ${code} is stopped in Feishu and cannot be written.`)
  return ds
}
