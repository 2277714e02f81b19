/**
 * Feishu's documented limits for the calls this app makes (reference/feishu-api.md §1.4, §3, §4).
 * The app, the server's validation and the job planner all read them from here.
 */
export const PAYROLL_SAVE_MAX_RECORDS = 50
export const PAYROLL_TEXT_MAX = 500
export const PAYROLL_RECORD_TEXT_MAX = 3000
export const PAYROLL_QUERY_MAX_EMPLOYMENT_IDS = 100
export const PAYROLL_QUERY_MAX_PERIODS = 2
export const ATTENDANCE_UPLOAD_MAX_MEMBERS = 50
export const ATTENDANCE_UPLOAD_MAX_FIELDS = 200
/** del_report documents no limit on user_ids; the app sends at most this many per call. */
export const ATTENDANCE_DELETE_MAX_MEMBERS = 50

/** The Feishu APIs the app calls, by the name the pacer uses. */
export type FeishuApi =
  | 'payroll.datasource.list'
  | 'payroll.record.save'
  | 'payroll.record.query'
  | 'payroll.payment_activity.list'
  | 'attendance.archive_rule.list'
  | 'attendance.archive_rule.fields'
  | 'attendance.archive_rule.upload'
  | 'attendance.archive_rule.delete'
  | 'corehr.employee.search'
  | 'sheets.spreadsheet.get'
  | 'sheets.sheet.query'
  | 'sheets.values.get'
  | 'wiki.node.get'
  | 'bitable.field.list'
  | 'bitable.record.search'
  | 'contact.user.batch'
  | 'contact.user.batch.minute'
  | 'approval.instance.create'
  | 'im.message.create'
  | 'im.message.create.minute'
  | 'im.message.user'

/** Calls allowed per window, per API, per app and tenant (§1.4: payroll 10/s, archive rule 50/s, corehr 100/min). */
export const FEISHU_RATE_LIMITS: Record<FeishuApi, { limit: number; windowMs: number }> = {
  'payroll.datasource.list': { limit: 10, windowMs: 1000 },
  'payroll.record.save': { limit: 10, windowMs: 1000 },
  'payroll.record.query': { limit: 10, windowMs: 1000 },
  // payroll-v1/payment_activity/list: 5/s (not in the reference; see server/sandbox/README.md).
  'payroll.payment_activity.list': { limit: 5, windowMs: 1000 },
  'attendance.archive_rule.list': { limit: 50, windowMs: 1000 },
  'attendance.archive_rule.fields': { limit: 50, windowMs: 1000 },
  'attendance.archive_rule.upload': { limit: 50, windowMs: 1000 },
  'attendance.archive_rule.delete': { limit: 50, windowMs: 1000 },
  'corehr.employee.search': { limit: 100, windowMs: 60_000 },
  // Document reading (issue 17; contracts in server/sandbox/README.md "Documents"): wiki get_node
  // 100/min, Base fields and records search 20/s (their docs' 接口频率限制); the sheets v3 metadata
  // and v2 value reads are UNCONFIRMED here (100/min and 100/s: the sibling 读取多个范围 page documents
  // 100 次/秒, the single-range page as we found it names no rate), the values read's 10 MB answer cap is documented.
  'sheets.spreadsheet.get': { limit: 100, windowMs: 60_000 },
  'sheets.sheet.query': { limit: 100, windowMs: 60_000 },
  'sheets.values.get': { limit: 100, windowMs: 1000 },
  'wiki.node.get': { limit: 100, windowMs: 60_000 },
  'bitable.field.list': { limit: 20, windowMs: 1000 },
  'bitable.record.search': { limit: 20, windowMs: 1000 },
  // contact-v3 批量获取用户信息: 1000/min and 50/s (both must hold), to write Base people as employee numbers.
  'contact.user.batch': { limit: 50, windowMs: 1000 },
  'contact.user.batch.minute': { limit: 1000, windowMs: 60_000 },
  // approval-v4 instance create: 100/min (server/sandbox/README.md).
  'approval.instance.create': { limit: 100, windowMs: 60_000 },
  // im-v1 message create: 1000/min and 50/s per app (both must hold), and 5/s to one person (230020);
  // the last is paced per recipient (the pacer's key: their open_id). See server/notify/README.md.
  'im.message.create': { limit: 50, windowMs: 1000 },
  'im.message.create.minute': { limit: 1000, windowMs: 60_000 },
  'im.message.user': { limit: 5, windowMs: 1000 },
}

/** v2 读取单个范围: "返回数据限制为10M" — one answer holds at most 10 MB. */
export const SHEET_VALUES_MAX_BYTES = 10 * 1024 * 1024
/** Rows asked per values read: our slice, kept well under the 10 MB cap (it halves on a too-large answer). */
export const SHEET_SLICE_ROWS = 5000
/** contact-v3 批量获取用户信息: at most 50 user ids a call. */
export const CONTACT_BATCH_MAX_IDS = 50
/** Base records search: "单次最多查询 500 行记录". */
export const BITABLE_SEARCH_MAX_PAGE = 500

/**
 * Page sizes of the list and query APIs (the largest each documents: §3.1 archive rules ≤ 50,
 * §4.1 datasources and §4.3 records ≤ 100, CoreHR employee search ≤ 100), and how many pages a
 * read follows before it stops (a guard against a has_more that never ends).
 */
export const FEISHU_PAGES = {
  'payroll.datasource.list': { size: 100, maxPages: 100 },
  'payroll.record.query': { size: 100, maxPages: 50 },
  'payroll.payment_activity.list': { size: 100, maxPages: 20 },
  'attendance.archive_rule.list': { size: 50, maxPages: 200 },
  'corehr.employee.search': { size: 100, maxPages: 20 },
} as const satisfies Partial<Record<FeishuApi, { size: number; maxPages: number }>>
