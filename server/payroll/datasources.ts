import { i18nText, payrollTarget } from '../../src/domain/payroll'
import type { TargetSchema, I18nText } from '../../src/domain/target'
import type { Datasource, FeishuClient } from '../feishu/client'
import type { Pacer } from '../jobs/pacer'

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
  const all: Datasource[] = []
  let pageToken: string | undefined
  for (let page = 0; page < 100; page++) {
    const res = await pacer.schedule('payroll.datasource.list', () => feishu.listDatasources(token, { pageSize: 100, pageToken }))
    all.push(...res.items)
    if (!res.has_more || !res.page_token) break
    pageToken = res.page_token
  }
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
