// All in-memory state of one sandbox instance: the seeded tenant with its indexes, stored report rows
// and payroll records, credentials, knobs, locks, rate-limit logs and the call log.
import { ApprovalStore } from './approval/instances'
import { SANDBOX_APP_ID, SANDBOX_APP_SECRET, SANDBOX_OTHER_APP_ID, SANDBOX_OTHER_APP_SECRET } from './credentials'
import { CallLog } from './platform/calls'
import { Injector } from './platform/injection'
import { defaultKnobs, mergeKnobs, type Knobs, type KnobsPatch } from './platform/knobs'
import { createLogidGenerator } from './platform/logid'
import { RateLimiter } from './platform/rate-limiter'
import { TokenStore } from './platform/token-store'
import { seedPaymentActivities, type PaymentActivity } from './payroll/payment-activities'
import type { ArchiveRule } from './seed/archive-rules'
import { createDocuments, type SandboxDocuments } from './seed/documents'
import type { ActiveStatus, Datasource } from './seed/datasources'
import type { Employee } from './seed/employees'
import { createSeed, DEFAULT_SEED, TENANT_KEY, type Seed } from './seed/index'

export interface SandboxOptions {
  /** Seed of the generated tenant (default 20240901). */
  seed?: number
  /** Redirect URL list of the app (安全设置 → 重定向 URL); exact match. Default: any http(s) URL on localhost / 127.0.0.1. */
  redirectUris?: string[]
  /** Initial knobs; `POST /sandbox/reset` comes back to these. */
  knobs?: KnobsPatch
  /** Clock (ms). Default Date.now. */
  now?: () => number
  /**
   * 网页应用 → 桌面端/移动端主页 of the app in the developer console: where an AppLink
   * `client/web_app/open?appId=…&path=…` lands (homepage + path). The messages page opens card buttons there.
   */
  webAppHomepage?: string
}

export interface PayrollRecord {
  employment_id: string
  /** The time part of the business key: payroll_period (data_period_type 1), occur_day (2) or custom_start|custom_end (3). */
  period: string
  active_status: ActiveStatus
  /** field_code → stored value, in the order first written. */
  values: Map<string, string>
}

export interface ArchiveRow {
  user_id: string
  start_time: string
  end_time: string
  fields: Map<string, string>
}

/** A message the app's bot sent (im/v1/messages), as the recipient's Feishu would hold it. */
export interface SentMessage {
  message_id: string
  /** Recipient. */
  user_id: string
  open_id: string
  msg_type: string
  /** The `content` string as sent (for interactive: the card JSON). */
  content: string
  uuid: string | null
  create_time: number
  app_id: string
}

export class SandboxState {
  readonly appId = SANDBOX_APP_ID
  readonly appSecret = SANDBOX_APP_SECRET
  /** app_id → app_secret of every app of the tenant (the main one first). */
  readonly apps: ReadonlyMap<string, string> = new Map([[SANDBOX_APP_ID, SANDBOX_APP_SECRET], [SANDBOX_OTHER_APP_ID, SANDBOX_OTHER_APP_SECRET]])
  readonly tenantKey = TENANT_KEY
  readonly now: () => number
  readonly logid: () => string
  readonly redirectUris: readonly string[] | undefined
  webAppHomepage: string | undefined
  readonly tokens = new TokenStore()
  readonly calls = new CallLog()
  readonly rateLimiter = new RateLimiter()
  readonly injector: Injector
  readonly payrollLocks = new Set<string>()
  /** Approval definitions, instances, subscriptions and event deliveries. */
  readonly approval: ApprovalStore
  /** Messages sent by bots, oldest first; `imUuids` dedups a uuid for 1 h (im/v1/messages). */
  readonly messages: SentMessage[] = []
  readonly imUuids = new Map<string, SentMessage>()
  /** user_id → send times of the last second (5 QPS to one person). */
  readonly imSendTimes = new Map<string, number[]>()
  knobs: Knobs

  seed!: Seed
  readonly byUserId = new Map<string, Employee>()
  readonly byEmployeeNo = new Map<string, Employee[]>()
  readonly byEmploymentId = new Map<string, Employee>()
  readonly byOpenId = new Map<string, Employee>()
  readonly byUnionId = new Map<string, Employee>()
  readonly rules = new Map<string, ArchiveRule>()
  readonly datasources = new Map<string, Datasource>()
  /** source_code → `${employment_id}|${period}` → record. */
  readonly payroll = new Map<string, Map<string, PayrollRecord>>()
  /** `${archive_rule_id}|${month}` → user_id → row. */
  readonly archive = new Map<string, Map<string, ArchiveRow>>()
  /** Payroll payment activities (发薪活动), by pay date. */
  paymentActivities: PaymentActivity[] = []
  /** The personas' spreadsheets, Base tables and wiki nodes (issue 17). */
  documents!: SandboxDocuments

  private readonly seedNumber: number
  private readonly initialKnobs: KnobsPatch

  constructor(opts: SandboxOptions = {}) {
    this.now = opts.now ?? Date.now
    this.logid = createLogidGenerator(this.now)
    this.redirectUris = opts.redirectUris
    this.webAppHomepage = opts.webAppHomepage
    this.seedNumber = opts.seed ?? DEFAULT_SEED
    this.initialKnobs = opts.knobs ?? {}
    this.knobs = mergeKnobs(defaultKnobs(), this.initialKnobs)
    this.injector = new Injector(this.knobs.injectionSeed)
    this.approval = new ApprovalStore(this)
    this.loadSeed()
  }

  get employees(): readonly Employee[] {
    return this.seed.employees
  }

  setKnobs(patch: KnobsPatch): Knobs {
    this.knobs = mergeKnobs(this.knobs, patch)
    if (patch.injectionSeed !== undefined) this.injector.reseed(this.knobs.injectionSeed)
    return this.knobs
  }

  /** Back to the deterministic seed and the initial knobs; `keepTokens` keeps sign-ins alive. */
  reset(opts: { keepTokens?: boolean } = {}): void {
    if (!opts.keepTokens) this.tokens.clear()
    this.calls.clear()
    this.rateLimiter.clear()
    this.payrollLocks.clear()
    this.messages.length = 0
    this.imUuids.clear()
    this.imSendTimes.clear()
    this.knobs = mergeKnobs(defaultKnobs(), this.initialKnobs)
    this.injector.reseed(this.knobs.injectionSeed)
    this.approval.reset()
    this.loadSeed()
  }

  payrollStore(sourceCode: string): Map<string, PayrollRecord> {
    let m = this.payroll.get(sourceCode)
    if (!m) { m = new Map(); this.payroll.set(sourceCode, m) }
    return m
  }

  archiveStore(ruleId: string, month: string): Map<string, ArchiveRow> {
    const key = `${ruleId}|${month}`
    let m = this.archive.get(key)
    if (!m) { m = new Map(); this.archive.set(key, m) }
    return m
  }

  private loadSeed(): void {
    this.seed = createSeed(this.seedNumber)
    for (const m of [this.byUserId, this.byEmployeeNo, this.byEmploymentId, this.byOpenId, this.byUnionId, this.rules, this.datasources, this.payroll, this.archive]) m.clear()
    for (const e of this.seed.employees) {
      this.byUserId.set(e.user_id, e)
      this.byEmploymentId.set(e.employment_id, e)
      this.byOpenId.set(e.open_id, e)
      this.byUnionId.set(e.union_id, e)
      const same = this.byEmployeeNo.get(e.employee_no) ?? []
      same.push(e)
      this.byEmployeeNo.set(e.employee_no, same)
    }
    for (const r of this.seed.rules) this.rules.set(r.archive_rule_id, r)
    for (const d of this.seed.datasources) this.datasources.set(d.code, d)
    this.paymentActivities = seedPaymentActivities()
    this.documents = createDocuments(this.seed.employees)
    for (const r of this.seed.records) {
      const values = new Map(r.values)
      const employment_id = values.get('employment_id') ?? ''
      const period = values.get('payroll_period') ?? ''
      this.payrollStore(r.source_code).set(`${employment_id}|${period}`, { employment_id, period, active_status: r.active_status, values })
    }
  }
}
