// Knobs: latency, error injection, token lifetimes, app scopes, rate limits — everything a test or the
// demo may turn. `GET /sandbox/knobs` shows them, `PUT /sandbox/knobs` (or `sb.setKnobs`) merges a patch.
import { z } from 'zod'
import { SANDBOX_EVENT_ENCRYPT_KEY, SANDBOX_EVENT_VERIFICATION_TOKEN } from '../credentials'
import { API_IDS, DEFAULT_APP_SCOPES, type ApiId, type RateWindow } from './apis'

export const RATE_KINDS = ['http5xx', 'rateLimit429', 'lock2500021', 'timeout', 'drop'] as const
export type RateKind = (typeof RATE_KINDS)[number]
/** `tokenExpired` (queue only): the user token of that call expires now and the call answers 99991677. */
export const FAIL_KINDS = [...RATE_KINDS, 'tokenExpired'] as const
export type FailKind = (typeof FAIL_KINDS)[number]

export interface FailNext { api: ApiId | '*'; kind: FailKind }

export interface TokenTtl {
  /** tenant_access_token / app_access_token lifetime (§2.2: 7200 s). */
  tenantSec: number
  /** user_access_token lifetime (§2.4 example 7200 s). */
  accessSec: number
  /** v2 refresh_token lifetime (§2.4 example 604800 s). The v1 one lives 30 days × this / 7 days. */
  refreshSec: number
  /** Authorize-page code lifetime (§2.4: 5 min). */
  codeSec: number
  /** tt.requestAccess / tt.login code lifetime (§2.1: 3 min). */
  clientCodeSec: number
}

export interface Knobs {
  latencyMs: number
  latencyMsByApi: Partial<Record<ApiId, number>>
  /** Probabilities 0–1 per call, drawn from a seeded RNG (`injectionSeed`). */
  errorRates: Record<RateKind, number>
  /** Deterministic: the next call of `api` ('*' = any API) fails this way; consumed in order. */
  failNext: FailNext[]
  /** How long a `timeout` holds the request before destroying the socket. */
  timeoutHoldMs: number
  tokenTtl: TokenTtl
  /** Scopes enabled for the app (99991672 on calls, 20027 on the authorize page otherwise). */
  appScopes: string[]
  rateLimitEnabled: boolean
  /** Per-API override of the documented windows. */
  rateLimits: Partial<Record<ApiId, RateWindow[]>>
  injectionSeed: number
  /** Max records per datasource before a save answers 2500020. */
  datasourceCapacity: number
  /**
   * Employee numbers whose CoreHR ID conversion fails: search answers `employment_id_v2: ""` and
   * `employment_id` falls back to the Feishu user_id, as §5 documents for a failed conversion.
   */
  corehrIdConversionFails: string[]
  /**
   * Payroll save "accepted but stored differently": for these field codes a save answers success
   * yet stores the value with this suffix appended (text) or +1 (number/money), so a read-back
   * has something to catch. Not a documented Feishu behaviour; a test aid.
   */
  payrollStoreDifferently: string[]
  /**
   * Event subscription of the app (事件与回调): where `approval_instance` events go (null = not
   * configured: no events), its Encrypt Key (null = plaintext, unsigned) and Verification Token;
   * `delayMs` holds each delivery, `drop` loses it, `duplicate` sends it twice (same uuid).
   */
  approvalEvents: { requestUrl: string | null; encryptKey: string | null; verificationToken: string; delayMs: number; drop: boolean; duplicate: boolean }
  /** 开发者后台 → 机器人: off → every message answers 230006 (bot ability not activated). */
  imBotEnabled: boolean
  /** user_ids outside the app's availability (可用范围): messages to them answer 230013. */
  imUnavailableUsers: string[]
  /**
   * The values read's answer cap (读取单个范围: 10 MB). Lower it to see a reader split its slices
   * (1310221 too large response past it).
   */
  sheetValuesMaxBytes: number
  /** user_ids for whom every document read answers 1310218 / LockedCell (a refusal the app must explain). */
  sheetLockedFor: string[]
}

export function defaultKnobs(): Knobs {
  return {
    latencyMs: 0,
    latencyMsByApi: {},
    errorRates: { http5xx: 0, rateLimit429: 0, lock2500021: 0, timeout: 0, drop: 0 },
    failNext: [],
    timeoutHoldMs: 10_000,
    tokenTtl: { tenantSec: 7200, accessSec: 7200, refreshSec: 604_800, codeSec: 300, clientCodeSec: 180 },
    appScopes: [...DEFAULT_APP_SCOPES],
    rateLimitEnabled: true,
    rateLimits: {},
    injectionSeed: 1,
    datasourceCapacity: 100_000,
    corehrIdConversionFails: [],
    payrollStoreDifferently: [],
    approvalEvents: { requestUrl: null, encryptKey: SANDBOX_EVENT_ENCRYPT_KEY, verificationToken: SANDBOX_EVENT_VERIFICATION_TOKEN, delayMs: 0, drop: false, duplicate: false },
    imBotEnabled: true,
    imUnavailableUsers: [],
    sheetValuesMaxBytes: 10 * 1024 * 1024,
    sheetLockedFor: [],
  }
}

const apiId = z.enum(API_IDS)
const rate = z.number().min(0).max(1)
const ttl = z.number().positive().max(10 * 365 * 86_400)
const window = z.object({ limit: z.number().int().min(1), windowMs: z.number().int().min(1) })

export const knobsPatchSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(600_000),
  latencyMsByApi: z.partialRecord(apiId, z.number().int().min(0).max(600_000)),
  errorRates: z.strictObject({ http5xx: rate, rateLimit429: rate, lock2500021: rate, timeout: rate, drop: rate }).partial(),
  failNext: z.array(z.strictObject({ api: z.union([apiId, z.literal('*')]), kind: z.enum(FAIL_KINDS) })),
  timeoutHoldMs: z.number().int().min(0).max(600_000),
  tokenTtl: z.strictObject({ tenantSec: ttl, accessSec: ttl, refreshSec: ttl, codeSec: ttl, clientCodeSec: ttl }).partial(),
  appScopes: z.array(z.string().min(1)),
  rateLimitEnabled: z.boolean(),
  rateLimits: z.partialRecord(apiId, z.array(window)),
  injectionSeed: z.number().int(),
  datasourceCapacity: z.number().int().min(0),
  corehrIdConversionFails: z.array(z.string().min(1)),
  payrollStoreDifferently: z.array(z.string().min(1)),
  approvalEvents: z.strictObject({
    requestUrl: z.url().nullable(), encryptKey: z.string().min(1).nullable(), verificationToken: z.string().min(1),
    delayMs: z.number().int().min(0).max(600_000), drop: z.boolean(), duplicate: z.boolean(),
  }).partial(),
  imBotEnabled: z.boolean(),
  imUnavailableUsers: z.array(z.string().min(1)),
  sheetValuesMaxBytes: z.number().int().min(1),
  sheetLockedFor: z.array(z.string().min(1)),
}).partial()

export type KnobsPatch = z.input<typeof knobsPatchSchema>

/** Objects merge one level deep; arrays (failNext, appScopes) are replaced. */
export function mergeKnobs(current: Knobs, patch: KnobsPatch): Knobs {
  const p = knobsPatchSchema.parse(patch)
  return {
    ...current,
    ...stripUndefined({
      latencyMs: p.latencyMs, failNext: p.failNext, timeoutHoldMs: p.timeoutHoldMs, appScopes: p.appScopes,
      rateLimitEnabled: p.rateLimitEnabled, injectionSeed: p.injectionSeed, datasourceCapacity: p.datasourceCapacity,
      corehrIdConversionFails: p.corehrIdConversionFails, payrollStoreDifferently: p.payrollStoreDifferently,
      imBotEnabled: p.imBotEnabled, imUnavailableUsers: p.imUnavailableUsers,
      sheetValuesMaxBytes: p.sheetValuesMaxBytes, sheetLockedFor: p.sheetLockedFor,
    }),
    latencyMsByApi: { ...current.latencyMsByApi, ...p.latencyMsByApi },
    errorRates: { ...current.errorRates, ...stripUndefined(p.errorRates ?? {}) },
    tokenTtl: { ...current.tokenTtl, ...stripUndefined(p.tokenTtl ?? {}) },
    rateLimits: { ...current.rateLimits, ...p.rateLimits },
    approvalEvents: { ...current.approvalEvents, ...stripUndefined(p.approvalEvents ?? {}) },
  }
}

function stripUndefined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> }
}
