// The catalogue of simulated Feishu APIs: path, method, accepted tokens, scopes (§2–§5), rate limits
// (§1.4, §8.2) and the API's own "param invalid" / "internal error" replies from its error table.

export const API_IDS = [
  'auth.tenant_access_token',
  'auth.app_access_token',
  'oauth.authorize',
  'oauth.token',
  'oidc.access_token',
  'oidc.refresh_access_token',
  'authen.access_token',
  'authen.refresh_access_token',
  'mina.token_login_validate',
  'authen.user_info',
  'archive_rule.list',
  'archive_rule.user_stats_fields_query',
  'archive_rule.upload_report',
  'archive_rule.del_report',
  'datasource.list',
  'datasource_record.save',
  'datasource_record.query',
  'payment_activity.list',
  'corehr.employee.search',
  'approval.instance.create',
  'approval.instance.get',
  'approval.instance.cancel',
  'approval.subscribe',
  'approval.definition.get',
  'contact.user.get',
  'contact.user.batch',
  'im.message.create',
  'sheets.spreadsheet.get',
  'sheets.sheet.query',
  'sheets.values.get',
  'wiki.node.get',
  'bitable.field.list',
  'bitable.record.search',
] as const

export type ApiId = (typeof API_IDS)[number]

export interface RateWindow { limit: number; windowMs: number }

export type TokenKind = 'tenant' | 'user'

export type ApiAuth =
  | { mode: 'none' }
  /**
   * The gateway only checks that a bearer token is present and well-formed; the handler checks it
   * with the API's own codes (app_access_token: §2.5 20014, §2.7 10202; user_info: §2.6 20005).
   */
  | { mode: 'bearer' }
  | { mode: 'token'; tokens: readonly TokenKind[]; scopes: readonly string[] }

export interface ErrorSpec { status: number; code: number; msg: string }

export interface ApiSpec {
  id: ApiId
  method: 'GET' | 'POST'
  path: string
  auth: ApiAuth
  rate: readonly RateWindow[]
  /** Body shape of errors: the standard envelope, or the v2 OAuth top-level shape (§2.4). */
  style: 'envelope' | 'oauth'
  paramInvalid: ErrorSpec
  internal: ErrorSpec
}

const perSecond = (limit: number): RateWindow => ({ limit, windowMs: 1000 })
const perMinute = (limit: number): RateWindow => ({ limit, windowMs: 60_000 })
const OAUTH_RATE = [perMinute(1000), perSecond(50)]

// Attendance: list / headers / del answer 1225000 with HTTP 500, upload_report with HTTP 400 (§3 table).
const ATT_PARAM: ErrorSpec = { status: 400, code: 1220001, msg: 'param invalid' }
const ATT_INTERNAL_500: ErrorSpec = { status: 500, code: 1225000, msg: 'internal server error' }
const PAY_PARAM: ErrorSpec = { status: 400, code: 2500002, msg: 'param invalid' }
const PAY_INTERNAL: ErrorSpec = { status: 500, code: 2500001, msg: 'unknown error' }
// Undocumented for these APIs: any 5xx must be treated as retryable by the caller.
const GENERIC_INTERNAL: ErrorSpec = { status: 500, code: 99991500, msg: 'internal server error' }
const ATT_SCOPES = ['attendance:task']

// Approval v4: instance create 100/min (its doc's 接口频率限制); get 1000/min & 50/s; cancel and
// subscribe are "special" limits in the docs (UNCONFIRMED numbers): the sandbox uses 100/min.
// 1390001 "param is invalid" is the approval API family's parameter error; its 5xx is undocumented.
const APPROVAL_PARAM: ErrorSpec = { status: 400, code: 1390001, msg: 'param is invalid' }
const APPROVAL_WRITE_SCOPES = ['approval:approval', 'approval:instance']
const APPROVAL_APIS = {
  'approval.instance.create': {
    id: 'approval.instance.create', method: 'POST', path: '/open-apis/approval/v4/instances',
    auth: { mode: 'token', tokens: ['tenant'], scopes: APPROVAL_WRITE_SCOPES },
    rate: [perMinute(100)], style: 'envelope', paramInvalid: APPROVAL_PARAM, internal: GENERIC_INTERNAL,
  },
  'approval.instance.get': {
    id: 'approval.instance.get', method: 'GET', path: '/open-apis/approval/v4/instances/:instance_id',
    auth: { mode: 'token', tokens: ['tenant'], scopes: [...APPROVAL_WRITE_SCOPES, 'approval:approval:readonly'] },
    rate: [perMinute(1000), perSecond(50)], style: 'envelope', paramInvalid: APPROVAL_PARAM, internal: GENERIC_INTERNAL,
  },
  'approval.instance.cancel': {
    id: 'approval.instance.cancel', method: 'POST', path: '/open-apis/approval/v4/instances/cancel',
    auth: { mode: 'token', tokens: ['tenant'], scopes: APPROVAL_WRITE_SCOPES },
    rate: [perMinute(100)], style: 'envelope', paramInvalid: APPROVAL_PARAM, internal: GENERIC_INTERNAL,
  },
  'approval.subscribe': {
    id: 'approval.subscribe', method: 'POST', path: '/open-apis/approval/v4/approvals/:approval_code/subscribe',
    auth: { mode: 'token', tokens: ['tenant'], scopes: ['approval:approval', 'approval:approval:readonly'] },
    rate: [perMinute(100)], style: 'envelope', paramInvalid: APPROVAL_PARAM, internal: GENERIC_INTERNAL,
  },
  // 查看指定审批定义: GET …/approvals/:approval_code, tenant token, 100/min, any of approval:approval,
  // approval:approval:readonly, approval:definition (what the SDK's approval.v4.approval.get calls).
  'approval.definition.get': {
    id: 'approval.definition.get', method: 'GET', path: '/open-apis/approval/v4/approvals/:approval_code',
    auth: { mode: 'token', tokens: ['tenant'], scopes: ['approval:approval', 'approval:approval:readonly', 'approval:definition'] },
    rate: [perMinute(100)], style: 'envelope', paramInvalid: APPROVAL_PARAM, internal: GENERIC_INTERNAL,
  },
  // Contact v3: one user by id, to name an approver (tenant token; base fields need contact:user.base:readonly).
  'contact.user.get': {
    id: 'contact.user.get', method: 'GET', path: '/open-apis/contact/v3/users/:user_id',
    auth: { mode: 'token', tokens: ['tenant', 'user'], scopes: ['contact:user.base:readonly', 'contact:contact:readonly_as_app'] },
    rate: [perMinute(1000), perSecond(50)], style: 'envelope',
    paramInvalid: { status: 400, code: 40001, msg: 'param error' }, internal: GENERIC_INTERNAL,
  },
  // Contact v3 批量获取用户信息: GET …/users/batch?user_ids=…(1–50)&user_id_type=…, tenant or user token,
  // 获取通讯录基本信息 (contact:contact.base:readonly), 1000/min and 50/s. Fields by their own scopes
  // (employee_no: 查看成员工号 contact:user.employee_number:read). Used to write a Base person field as an
  // employee number. More than 50 ids: the gateway's 99992402 field validation (UNCONFIRMED code).
  'contact.user.batch': {
    id: 'contact.user.batch', method: 'GET', path: '/open-apis/contact/v3/users/batch',
    auth: { mode: 'token', tokens: ['tenant', 'user'], scopes: ['contact:contact.base:readonly'] },
    rate: [perMinute(1000), perSecond(50)], style: 'envelope',
    paramInvalid: { status: 400, code: 99992402, msg: 'field validation failed' }, internal: GENERIC_INTERNAL,
  },
} as const satisfies Partial<Record<ApiId, ApiSpec>>

// Documents (issue 17; server/sandbox/README.md "Documents"). Any one of the listed scopes calls
// each API (their docs' 权限要求). Sheets errors are numbered from 1310000 (1310202 WrongRange,
// 1310213 no permission …), Base from 1254000, wiki from 131000. Rates: wiki 100/min and Base 20/s
// documented; sheets values 100/s as the sibling 读取多个范围 page documents (single range UNCONFIRMED).
const SHEET_READ_SCOPES = ['sheets:spreadsheet:readonly', 'sheets:spreadsheet', 'drive:drive', 'drive:drive:readonly']
const SHEET_PARAM: ErrorSpec = { status: 400, code: 1310202, msg: 'wrong range' }
const BITABLE_READ_SCOPES = ['bitable:app:readonly', 'bitable:app', 'base:record:retrieve', 'base:field:read']
const BITABLE_PARAM: ErrorSpec = { status: 400, code: 1254000, msg: 'WrongRequestJson' }
const DOC_APIS = {
  'sheets.spreadsheet.get': {
    id: 'sheets.spreadsheet.get', method: 'GET', path: '/open-apis/sheets/v3/spreadsheets/:spreadsheet_token',
    auth: { mode: 'token', tokens: ['tenant', 'user'], scopes: SHEET_READ_SCOPES },
    rate: [perMinute(100)], style: 'envelope', paramInvalid: SHEET_PARAM, internal: GENERIC_INTERNAL,
  },
  'sheets.sheet.query': {
    id: 'sheets.sheet.query', method: 'GET', path: '/open-apis/sheets/v3/spreadsheets/:spreadsheet_token/sheets/query',
    auth: { mode: 'token', tokens: ['tenant', 'user'], scopes: SHEET_READ_SCOPES },
    rate: [perMinute(100)], style: 'envelope', paramInvalid: SHEET_PARAM, internal: GENERIC_INTERNAL,
  },
  'sheets.values.get': {
    id: 'sheets.values.get', method: 'GET', path: '/open-apis/sheets/v2/spreadsheets/:spreadsheet_token/values/:range',
    auth: { mode: 'token', tokens: ['tenant', 'user'], scopes: SHEET_READ_SCOPES },
    rate: [perSecond(100)], style: 'envelope', paramInvalid: SHEET_PARAM, internal: GENERIC_INTERNAL,
  },
  'wiki.node.get': {
    id: 'wiki.node.get', method: 'GET', path: '/open-apis/wiki/v2/spaces/get_node',
    auth: { mode: 'token', tokens: ['tenant', 'user'], scopes: ['wiki:wiki:readonly', 'wiki:wiki', 'wiki:node:read'] },
    rate: [perMinute(100)], style: 'envelope', paramInvalid: { status: 400, code: 131002, msg: 'param err' }, internal: GENERIC_INTERNAL,
  },
  'bitable.field.list': {
    id: 'bitable.field.list', method: 'GET', path: '/open-apis/bitable/v1/apps/:app_token/tables/:table_id/fields',
    auth: { mode: 'token', tokens: ['tenant', 'user'], scopes: BITABLE_READ_SCOPES },
    rate: [perSecond(20)], style: 'envelope', paramInvalid: BITABLE_PARAM, internal: GENERIC_INTERNAL,
  },
  'bitable.record.search': {
    id: 'bitable.record.search', method: 'POST', path: '/open-apis/bitable/v1/apps/:app_token/tables/:table_id/records/search',
    auth: { mode: 'token', tokens: ['tenant', 'user'], scopes: BITABLE_READ_SCOPES },
    rate: [perSecond(20)], style: 'envelope', paramInvalid: BITABLE_PARAM, internal: GENERIC_INTERNAL,
  },
} as const satisfies Partial<Record<ApiId, ApiSpec>>

export const APIS: Record<ApiId, ApiSpec> = {
  ...APPROVAL_APIS,
  ...DOC_APIS,
  'auth.tenant_access_token': {
    id: 'auth.tenant_access_token', method: 'POST', path: '/open-apis/auth/v3/tenant_access_token/internal',
    auth: { mode: 'none' }, rate: [], style: 'envelope',
    paramInvalid: { status: 400, code: 10003, msg: 'invalid param' }, internal: GENERIC_INTERNAL,
  },
  'auth.app_access_token': {
    id: 'auth.app_access_token', method: 'POST', path: '/open-apis/auth/v3/app_access_token/internal',
    auth: { mode: 'none' }, rate: [], style: 'envelope',
    paramInvalid: { status: 400, code: 10003, msg: 'invalid param' }, internal: GENERIC_INTERNAL,
  },
  'oauth.authorize': {
    id: 'oauth.authorize', method: 'GET', path: '/open-apis/authen/v1/authorize',
    auth: { mode: 'none' }, rate: OAUTH_RATE, style: 'envelope',
    paramInvalid: { status: 400, code: 20063, msg: 'The request is malformed.' }, internal: GENERIC_INTERNAL,
  },
  'oauth.token': {
    id: 'oauth.token', method: 'POST', path: '/open-apis/authen/v2/oauth/token',
    auth: { mode: 'none' }, rate: OAUTH_RATE, style: 'oauth',
    paramInvalid: { status: 400, code: 20063, msg: 'The request is malformed.' },
    internal: { status: 500, code: 20050, msg: 'An unexpected server error occurred. Please retry your request.' },
  },
  'oidc.access_token': {
    id: 'oidc.access_token', method: 'POST', path: '/open-apis/authen/v1/oidc/access_token',
    auth: { mode: 'bearer' }, rate: OAUTH_RATE, style: 'envelope',
    paramInvalid: { status: 200, code: 20001, msg: 'Invalid request' }, internal: GENERIC_INTERNAL,
  },
  'oidc.refresh_access_token': {
    id: 'oidc.refresh_access_token', method: 'POST', path: '/open-apis/authen/v1/oidc/refresh_access_token',
    auth: { mode: 'bearer' }, rate: OAUTH_RATE, style: 'envelope',
    paramInvalid: { status: 200, code: 20001, msg: 'Invalid request' }, internal: GENERIC_INTERNAL,
  },
  // The even older v1 pair (§2.5, end): the same codes and errors as OIDC v1, the profile in `data`.
  'authen.access_token': {
    id: 'authen.access_token', method: 'POST', path: '/open-apis/authen/v1/access_token',
    auth: { mode: 'bearer' }, rate: OAUTH_RATE, style: 'envelope',
    paramInvalid: { status: 200, code: 20001, msg: 'Invalid request' }, internal: GENERIC_INTERNAL,
  },
  'authen.refresh_access_token': {
    id: 'authen.refresh_access_token', method: 'POST', path: '/open-apis/authen/v1/refresh_access_token',
    auth: { mode: 'bearer' }, rate: OAUTH_RATE, style: 'envelope',
    paramInvalid: { status: 200, code: 20001, msg: 'Invalid request' }, internal: GENERIC_INTERNAL,
  },
  'mina.token_login_validate': {
    id: 'mina.token_login_validate', method: 'POST', path: '/open-apis/mina/v2/tokenLoginValidate',
    auth: { mode: 'bearer' }, rate: OAUTH_RATE, style: 'envelope',
    paramInvalid: { status: 200, code: 10226, msg: 'invalid code' }, internal: GENERIC_INTERNAL,
  },
  'authen.user_info': {
    id: 'authen.user_info', method: 'GET', path: '/open-apis/authen/v1/user_info',
    auth: { mode: 'bearer' }, rate: OAUTH_RATE, style: 'envelope',
    paramInvalid: { status: 200, code: 20001, msg: 'Invalid request' },
    internal: { status: 500, code: 20050, msg: 'System error' },
  },
  'archive_rule.list': {
    id: 'archive_rule.list', method: 'GET', path: '/open-apis/attendance/v1/archive_rule',
    auth: { mode: 'token', tokens: ['tenant', 'user'], scopes: ['attendance:task:readonly'] },
    rate: [perSecond(50)], style: 'envelope', paramInvalid: ATT_PARAM, internal: ATT_INTERNAL_500,
  },
  'archive_rule.user_stats_fields_query': {
    id: 'archive_rule.user_stats_fields_query', method: 'POST', path: '/open-apis/attendance/v1/archive_rule/user_stats_fields_query',
    auth: { mode: 'token', tokens: ['tenant', 'user'], scopes: ATT_SCOPES },
    rate: [perSecond(50)], style: 'envelope', paramInvalid: ATT_PARAM, internal: ATT_INTERNAL_500,
  },
  'archive_rule.upload_report': {
    id: 'archive_rule.upload_report', method: 'POST', path: '/open-apis/attendance/v1/archive_rule/upload_report',
    auth: { mode: 'token', tokens: ['tenant', 'user'], scopes: ATT_SCOPES },
    rate: [perSecond(50)], style: 'envelope', paramInvalid: ATT_PARAM,
    internal: { status: 400, code: 1225000, msg: 'internal server error' },
  },
  'archive_rule.del_report': {
    id: 'archive_rule.del_report', method: 'POST', path: '/open-apis/attendance/v1/archive_rule/del_report',
    auth: { mode: 'token', tokens: ['tenant', 'user'], scopes: ATT_SCOPES },
    rate: [perSecond(50)], style: 'envelope', paramInvalid: ATT_PARAM, internal: ATT_INTERNAL_500,
  },
  'datasource.list': {
    id: 'datasource.list', method: 'GET', path: '/open-apis/payroll/v1/datasources',
    auth: { mode: 'token', tokens: ['tenant', 'user'], scopes: ['payroll:external_datasource_configuration:read'] },
    rate: [perSecond(10)], style: 'envelope', paramInvalid: PAY_PARAM, internal: PAY_INTERNAL,
  },
  'datasource_record.save': {
    id: 'datasource_record.save', method: 'POST', path: '/open-apis/payroll/v1/datasource_records/save',
    auth: { mode: 'token', tokens: ['tenant', 'user'], scopes: ['payroll:external_datasource_record:write'] },
    rate: [perSecond(10)], style: 'envelope', paramInvalid: PAY_PARAM, internal: PAY_INTERNAL,
  },
  'datasource_record.query': {
    id: 'datasource_record.query', method: 'POST', path: '/open-apis/payroll/v1/datasource_records/query',
    auth: { mode: 'token', tokens: ['tenant', 'user'], scopes: ['payroll:external_datasource_record:read'] },
    rate: [perSecond(10)], style: 'envelope', paramInvalid: PAY_PARAM, internal: PAY_INTERNAL,
  },
  // Not in the reference: payroll-v1/payment_activity/list (5/s; errors 2500001 / 2500002 / 2500003).
  'payment_activity.list': {
    id: 'payment_activity.list', method: 'GET', path: '/open-apis/payroll/v1/payment_activitys',
    auth: { mode: 'token', tokens: ['tenant', 'user'], scopes: ['payroll:payment_activity:read'] },
    rate: [perSecond(5)], style: 'envelope', paramInvalid: { status: 400, code: 2500002, msg: 'param is invalid' }, internal: PAY_INTERNAL,
  },
  'corehr.employee.search': {
    id: 'corehr.employee.search', method: 'POST', path: '/open-apis/corehr/v2/employees/search',
    auth: { mode: 'token', tokens: ['tenant'], scopes: ['corehr:employee:read', 'corehr:employee:write'] },
    rate: [perMinute(100)], style: 'envelope',
    paramInvalid: { status: 400, code: 1160102, msg: 'Param is invalid' }, internal: GENERIC_INTERNAL,
  },
  // IM 发送消息: sent as the app's bot, so only a tenant_access_token is accepted here (a user token
  // would send as that person — not what the app does; the safer pick). 1000/min and 50/s per app.
  'im.message.create': {
    id: 'im.message.create', method: 'POST', path: '/open-apis/im/v1/messages',
    auth: { mode: 'token', tokens: ['tenant'], scopes: ['im:message', 'im:message:send_as_bot'] },
    rate: [perMinute(1000), perSecond(50)], style: 'envelope',
    paramInvalid: { status: 400, code: 230001, msg: 'Your request contains an invalid request parameter.' }, internal: GENERIC_INTERNAL,
  },
}

/** Every scope the sandbox app has enabled by default (开发者后台 → 权限管理, §6.4). */
export const DEFAULT_APP_SCOPES: readonly string[] = [
  'offline_access',
  'attendance:task',
  'attendance:task:readonly',
  'payroll:external_datasource_configuration:read',
  'payroll:external_datasource_record:read',
  'payroll:external_datasource_record:write',
  'payroll:payment_activity:read',
  'corehr:employee:read',
  'corehr:common_data.id.convert:read',
  'im:message:send_as_bot',
  'contact:user.id:readonly',
  'contact:user.base:readonly',
  'contact:user.employee_id:readonly',
  'contact:user.employee:readonly',
  'contact:user.email:readonly',
  'contact:contact.base:readonly',
  'contact:user.employee_number:read',
  'contact:user.phone:readonly',
  'approval:approval',
  'approval:instance',
  'sheets:spreadsheet:readonly',
  'bitable:app:readonly',
  'wiki:wiki:readonly',
]
