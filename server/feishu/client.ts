import type { Page } from '../../src/domain/paging'
import { FEISHU_PAGES } from '../../src/domain/feishu-limits'
import { FeishuError, type FeishuHttp } from './http'
import type { Clock } from '../clock'

/**
 * Typed Feishu calls (reference §2–§4). Field names follow the documentation exactly.
 * User calls take the signed-in person's user_access_token; the app token is only used where the
 * API requires it (code2session, legacy OIDC refresh).
 */
export interface UserTokenGrant {
  access_token: string
  expires_in: number
  refresh_token?: string
  refresh_token_expires_in?: number
  scope?: string
  token_type?: string
}

export interface FeishuUserInfo {
  name: string
  en_name?: string
  avatar_url?: string
  avatar_thumb?: string
  open_id: string
  union_id?: string
  user_id?: string
  employee_no?: string
  tenant_key: string
}

export interface GadgetSession {
  open_id: string
  employee_id?: string
  tenant_key: string
  access_token: string
  expires_in: number
  refresh_token?: string
}

interface Wrapped<T> { code: number; msg: string; data: T }

export type { Page }

export interface I18nContent { locale: string; value: string }
export interface DatasourceField { code: string; i18n_names: I18nContent[]; field_type: number; active_status: number; decimal_places?: number }
/** A records query (§4.3). Date windows are inclusive `[start, end]`, yyyy-mm-dd, ≤ 90 days. */
export interface RecordQuery {
  sourceCode: string
  periods?: string[]
  occurDay?: readonly [string, string]
  customStart?: readonly [string, string]
  customEnd?: readonly [string, string]
  employmentIds: string[]
  pageToken?: string
}

export interface Datasource { code: string; i18n_names: I18nContent[]; active_status: number; fields: DatasourceField[]; data_period_type?: number; i18n_description?: I18nContent[] }
export interface ArchiveRule { report_id?: string; report_name?: Record<string, string>; archive_rule_id: string; archive_rule_name?: Record<string, string> }

export interface SaveRecord { active_status: number; field_values: Array<{ field_code: string; value: string }> }
export interface ArchiveReportData { member_id: string; start_time: string; end_time: string; field_datas?: Array<{ code: string; value?: string }> }
export interface ArchiveReportBody { month: string; operator_id: string; archive_rule_id: string; archive_report_datas: ArchiveReportData[] }

export interface QueriedRecord { active_status: number; field_values: Array<{ field_code: string; value: string; field_type?: number }> }
/** payroll-v1/payment_activity/list: one payment activity (发薪活动). */
export interface PaymentActivity {
  activity_id?: string
  activity_names?: I18nContent[]
  pay_date?: string
  total_number_of_payroll?: number
  activity_status?: number
}
export interface ReportField { code: string; title: string; upper_titles?: string[] }
export interface CorehrEmployee {
  employment_id?: string
  employment_id_v2?: string
  employee_number?: string
  email_address?: string
  employment_status?: { enum_name?: string }
  person_info?: { preferred_name?: string; preferred_local_full_name?: string }
  user_name?: string
}

/** Approval v4 instance as `GET /open-apis/approval/v4/instances/:instance_id` answers it (the fields the app reads). */
export interface ApprovalInstance {
  approval_code: string
  instance_code: string
  status: string
  user_id?: string
  open_id?: string
  task_list?: Array<{ id: string; user_id?: string; open_id?: string; status: string }>
  timeline?: Array<{ type: string; create_time: string; user_id?: string; open_id?: string; comment?: string }>
  comment_list?: Array<{ user_id?: string; open_id?: string; comment?: string; create_time?: string }>
}

export interface FeishuClient {
  /**
   * Approval v4 with the app's identity (tenant token): create an instance for `openId` as the
   * initiator (`form` is the JSON string of widgets; `uuid` makes a retry answer the same instance).
   */
  createApprovalInstance(body: { approval_code: string; open_id: string; form: string; uuid: string }): Promise<{ instanceCode: string }>
  getApprovalInstance(instanceCode: string): Promise<ApprovalInstance>
  cancelApprovalInstance(body: { approval_code: string; instance_code: string; user_id: string }): Promise<void>
  /** Subscribes the app to the definition's events; "already subscribed" (1390007) counts as done. */
  subscribeApproval(approvalCode: string): Promise<void>
  /** Contact v3: a person's name by open_id, with the app's identity (to name an approver). */
  contactName(openId: string): Promise<{ name: string; en_name: string | null }>
  exchangeCode(input: { code: string; redirectUri?: string }): Promise<UserTokenGrant>
  refreshUserToken(refreshToken: string): Promise<UserTokenGrant>
  code2session(code: string): Promise<GadgetSession>
  refreshLegacyToken(refreshToken: string): Promise<UserTokenGrant>
  userInfo(userToken: string): Promise<FeishuUserInfo>
  listDatasources(userToken: string, page: { pageSize: number; pageToken?: string }): Promise<Page<Datasource>>
  listArchiveRules(userToken: string, page: { pageSize: number; pageToken?: string }): Promise<Page<ArchiveRule>>
  /** §4.2: all-or-nothing upsert of ≤ 50 records; answers how many records really changed. */
  saveRecords(userToken: string, sourceCode: string, records: SaveRecord[]): Promise<{ affectCount: number }>
  /** §3.3: answers the field codes and members Feishu did not recognise (with code 0). */
  uploadReport(userToken: string, employeeType: string, body: ArchiveReportBody): Promise<{ invalidCodes: string[]; invalidMembers: string[] }>
  /** §4.3: one page of records of ≤ 100 employment ids in ≤ 2 periods. */
  /**
   * §4.3: records of these employments in one time window — `periods` (payroll_period IsAnyOf, ≤ 2),
   * or `occurDay` / `customStart` + `customEnd` as InDateRange [start, end] windows.
   */
  queryRecords(userToken: string, q: RecordQuery): Promise<Page<QueriedRecord>>
  /** Payment activities whose pay date is in [start, end] (inclusive, yyyy-mm-dd); payroll-v1/payment_activity/list. */
  listPaymentActivities(userToken: string, window: { start: string; end: string }, page: { pageSize: number; pageToken?: string }): Promise<Page<PaymentActivity>>
  /** §3.2: the report's headers in one locale. */
  reportFields(userToken: string, employeeType: string, body: { locale: 'zh' | 'en'; month: string; archive_rule_id: string; operator_id: string }): Promise<ReportField[]>
  /** §5: CoreHR employee search with the app's own identity (tenant token), employment ids as people_corehr_id. */
  searchEmployees(body: { employee_number_list?: string[]; email_address_list?: string[]; employment_id_list?: string[] }, pageToken?: string): Promise<Page<CorehrEmployee>>
  /** §3.4: deletes the given members' rows of that rule and month. Never called without user_ids. */
  deleteReport(userToken: string, employeeType: string, body: { month: string; operator_id: string; archive_rule_id: string; user_ids: string[] }): Promise<void>
  /**
   * IM 发送消息 as the app's bot (tenant token) to one person by open_id. `uuid` makes Feishu send at
   * most one message per uuid within an hour, so a retry after a lost answer never sends twice.
   */
  sendMessage(body: { receiveId: string; msgType: 'interactive' | 'text'; content: string; uuid: string }): Promise<{ messageId: string }>
}

export function feishuClient(http: FeishuHttp, app: { appId: string; appSecret: string }, clock: Clock): FeishuClient {
  // The app token is cached until 3 minutes before it ends (reference §2.1); concurrent callers share one fetch.
  let appToken: { value: string; until: number } | null = null
  let appTokenInFlight: Promise<string> | null = null
  const appAccessToken = async (): Promise<string> => {
    if (appToken && appToken.until > clock.now()) return appToken.value
    appTokenInFlight ??= (async () => {
      try {
        const { data } = await http.call<{ app_access_token: string; expire: number }>({
          method: 'POST', path: '/open-apis/auth/v3/app_access_token/internal', body: { app_id: app.appId, app_secret: app.appSecret },
        })
        appToken = { value: data.app_access_token, until: clock.now() + Math.max(0, data.expire - 180) * 1000 }
        return data.app_access_token
      } finally {
        appTokenInFlight = null
      }
    })()
    return appTokenInFlight
  }

  // The tenant token (app identity) only serves the read-only CoreHR lookups (reference §5) and the bot's messages.
  let tenantToken: { value: string; until: number } | null = null
  let tenantTokenInFlight: Promise<string> | null = null
  const tenantAccessToken = async (): Promise<string> => {
    if (tenantToken && tenantToken.until > clock.now()) return tenantToken.value
    tenantTokenInFlight ??= (async () => {
      try {
        const { data } = await http.call<{ tenant_access_token: string; expire: number }>({
          method: 'POST', path: '/open-apis/auth/v3/tenant_access_token/internal', body: { app_id: app.appId, app_secret: app.appSecret },
        })
        tenantToken = { value: data.tenant_access_token, until: clock.now() + Math.max(0, data.expire - 180) * 1000 }
        return data.tenant_access_token
      } finally {
        tenantTokenInFlight = null
      }
    })()
    return tenantTokenInFlight
  }

  return {
    async createApprovalInstance(body) {
      const { data } = await http.call<Wrapped<{ instance_code: string }>>({ method: 'POST', path: '/open-apis/approval/v4/instances', token: await tenantAccessToken(), body })
      return { instanceCode: data.data.instance_code }
    },
    async getApprovalInstance(instanceCode) {
      const { data } = await http.call<Wrapped<ApprovalInstance>>({
        method: 'GET', path: `/open-apis/approval/v4/instances/${encodeURIComponent(instanceCode)}`, token: await tenantAccessToken(), query: { user_id_type: 'open_id' },
      })
      return { ...data.data, instance_code: data.data.instance_code ?? instanceCode }
    },
    async cancelApprovalInstance(body) {
      await http.call({ method: 'POST', path: '/open-apis/approval/v4/instances/cancel', token: await tenantAccessToken(), query: { user_id_type: 'open_id' }, body })
    },
    async contactName(openId) {
      const { data } = await http.call<Wrapped<{ user: { name?: string; en_name?: string } }>>({
        method: 'GET', path: `/open-apis/contact/v3/users/${encodeURIComponent(openId)}`, token: await tenantAccessToken(), query: { user_id_type: 'open_id' },
      })
      return { name: data.data.user.name ?? '', en_name: data.data.user.en_name ?? null }
    },
    async subscribeApproval(approvalCode) {
      try {
        await http.call({ method: 'POST', path: `/open-apis/approval/v4/approvals/${encodeURIComponent(approvalCode)}/subscribe`, token: await tenantAccessToken() })
      } catch (e) {
        if (e instanceof FeishuError && e.code === 1390007) return
        throw e
      }
    },
    async queryRecords(userToken, q) {
      // The time filter is mandatory (§4.3): one per field of the datasource's dimension.
      const filters = [
        ...(q.periods ? [{ field_code: 'payroll_period', field_values: q.periods, operator: 1 }] : []),
        ...(q.occurDay ? [{ field_code: 'occur_day', field_values: [...q.occurDay], operator: 2 }] : []),
        ...(q.customStart ? [{ field_code: 'custom_start', field_values: [...q.customStart], operator: 2 }] : []),
        ...(q.customEnd ? [{ field_code: 'custom_end', field_values: [...q.customEnd], operator: 2 }] : []),
        ...(q.employmentIds.length ? [{ field_code: 'employment_id', field_values: q.employmentIds, operator: 1 }] : []),
      ]
      const { data } = await http.call<Wrapped<{ records?: QueriedRecord[]; has_more?: boolean; page_token?: string }>>({
        method: 'POST', path: '/open-apis/payroll/v1/datasource_records/query', token: userToken,
        query: { page_size: FEISHU_PAGES['payroll.record.query'].size, page_token: q.pageToken }, body: { source_code: q.sourceCode, field_filters: filters },
      })
      return { items: data.data?.records ?? [], has_more: Boolean(data.data?.has_more), page_token: data.data?.page_token }
    },
    async listPaymentActivities(userToken, window, page) {
      const { data } = await http.call<Wrapped<{ payment_activitys?: PaymentActivity[]; has_more?: boolean; page_token?: string }>>({
        method: 'GET', path: '/open-apis/payroll/v1/payment_activitys', token: userToken,
        query: { pay_period_start_date: window.start, pay_period_end_date: window.end, page_size: page.pageSize, page_token: page.pageToken },
      })
      return { items: data.data?.payment_activitys ?? [], has_more: Boolean(data.data?.has_more), page_token: data.data?.page_token }
    },
    async reportFields(userToken, employeeType, body) {
      const { data } = await http.call<Wrapped<{ archive_report_fields?: ReportField[] }>>({
        method: 'POST', path: '/open-apis/attendance/v1/archive_rule/user_stats_fields_query', token: userToken, query: { employee_type: employeeType }, body,
      })
      return data.data?.archive_report_fields ?? []
    },
    async sendMessage({ receiveId, msgType, content, uuid }) {
      try {
        const { data } = await http.call<Wrapped<{ message_id: string }>>({
          method: 'POST', path: '/open-apis/im/v1/messages', token: await tenantAccessToken(),
          query: { receive_id_type: 'open_id' }, body: { receive_id: receiveId, msg_type: msgType, content, uuid },
        })
        return { messageId: data.data.message_id }
      } catch (e) {
        // A tenant token Feishu no longer accepts is fetched anew on the next attempt.
        if (e instanceof FeishuError && e.failure.kind === 'token_invalid') tenantToken = null
        throw e
      }
    },
    async searchEmployees(body, pageToken) {
      const { data } = await http.call<Wrapped<{ items?: CorehrEmployee[]; has_more?: boolean; page_token?: string }>>({
        method: 'POST', path: '/open-apis/corehr/v2/employees/search', token: await tenantAccessToken(),
        query: { page_size: FEISHU_PAGES['corehr.employee.search'].size, page_token: pageToken, user_id_type: 'people_corehr_id' },
        body: { fields: ['employee_number', 'email_address', 'employment_status', 'person_info'], ...body },
      })
      return { items: data.data?.items ?? [], has_more: Boolean(data.data?.has_more), page_token: data.data?.page_token }
    },
    async exchangeCode({ code, redirectUri }) {
      // requestAccess / requestAuthCode codes are exchanged without redirect_uri (reference §2.4, §9).
      const { data } = await http.call<UserTokenGrant>({
        method: 'POST', path: '/open-apis/authen/v2/oauth/token',
        body: { grant_type: 'authorization_code', client_id: app.appId, client_secret: app.appSecret, code, ...(redirectUri ? { redirect_uri: redirectUri } : {}) },
      })
      return data
    },
    async refreshUserToken(refreshToken) {
      const { data } = await http.call<UserTokenGrant>({
        method: 'POST', path: '/open-apis/authen/v2/oauth/token',
        body: { grant_type: 'refresh_token', client_id: app.appId, client_secret: app.appSecret, refresh_token: refreshToken },
      })
      return data
    },
    async code2session(code) {
      const { data } = await http.call<Wrapped<GadgetSession>>({
        method: 'POST', path: '/open-apis/mina/v2/tokenLoginValidate', token: await appAccessToken(), body: { code },
      })
      return data.data
    },
    async refreshLegacyToken(refreshToken) {
      const { data } = await http.call<Wrapped<UserTokenGrant & { refresh_expires_in?: number }>>({
        method: 'POST', path: '/open-apis/authen/v1/oidc/refresh_access_token', token: await appAccessToken(),
        body: { grant_type: 'refresh_token', refresh_token: refreshToken },
      })
      const d = data.data
      return { ...d, refresh_token_expires_in: d.refresh_token_expires_in ?? d.refresh_expires_in }
    },
    async userInfo(userToken) {
      const { data } = await http.call<Wrapped<FeishuUserInfo>>({ method: 'GET', path: '/open-apis/authen/v1/user_info', token: userToken })
      return data.data
    },
    async listDatasources(userToken, page) {
      const { data } = await http.call<Wrapped<{ datasources?: Datasource[]; has_more?: boolean; page_token?: string }>>({
        method: 'GET', path: '/open-apis/payroll/v1/datasources', token: userToken,
        query: { page_size: page.pageSize, page_token: page.pageToken },
      })
      return { items: data.data.datasources ?? [], has_more: Boolean(data.data.has_more), page_token: data.data.page_token }
    },
    async listArchiveRules(userToken, page) {
      const { data } = await http.call<Wrapped<{ items?: ArchiveRule[]; has_more?: boolean; page_token?: string }>>({
        method: 'GET', path: '/open-apis/attendance/v1/archive_rule', token: userToken,
        query: { page_size: page.pageSize, page_token: page.pageToken },
      })
      return { items: data.data.items ?? [], has_more: Boolean(data.data.has_more), page_token: data.data.page_token }
    },
    async saveRecords(userToken, sourceCode, records) {
      const { data } = await http.call<Wrapped<{ affect_counts?: string | number }>>({
        method: 'POST', path: '/open-apis/payroll/v1/datasource_records/save', token: userToken, body: { source_code: sourceCode, records },
      })
      // affect_counts is documented as a string holding a number (reference §4.2).
      const n = Number(data.data?.affect_counts ?? 0)
      return { affectCount: Number.isFinite(n) ? n : 0 }
    },
    async uploadReport(userToken, employeeType, body) {
      const { data } = await http.call<Wrapped<{ invalid_code?: string[]; invalid_member_id?: string[] }>>({
        method: 'POST', path: '/open-apis/attendance/v1/archive_rule/upload_report', token: userToken, query: { employee_type: employeeType }, body,
      })
      return { invalidCodes: data.data?.invalid_code ?? [], invalidMembers: data.data?.invalid_member_id ?? [] }
    },
    async deleteReport(userToken, employeeType, body) {
      if (!body.user_ids.length) throw new Error('del_report without user_ids would delete every row of the month; refused')
      await http.call({ method: 'POST', path: '/open-apis/attendance/v1/archive_rule/del_report', token: userToken, query: { employee_type: employeeType }, body })
    },
  }
}
