import type { FeishuApi } from '../../src/domain/feishu-limits'
import type { UserTokens } from '../auth/user-tokens'
import type { Clock } from '../clock'
import { AppError } from '../errors'
import { nextStep, retryWaitMs } from '../feishu/classify'
import { FeishuError } from '../feishu/http'
import type { Owner } from '../store/sessions-repo'
import type { KeyedSerialiser, Pacer } from './pacer'

/** The owner's Feishu authorization is gone; the job waits for them to sign in again. */
export class NeedsSignIn extends Error {
  constructor() { super('needs sign-in'); this.name = 'NeedsSignIn' }
}

/**
 * The job was paused or cancelled while this call waited for its turn (the datasource's lock, the
 * rate limit): it is not sent. Its batch stays marked in flight and is sent on resume.
 */
export class StopRequested extends Error {
  constructor() { super('stop requested'); this.name = 'StopRequested' }
}

/** Feishu stayed unavailable through every retry; the job pauses and nothing is lost. */
export class GaveUp extends Error {
  constructor(readonly last: FeishuError) { super(`gave up after retries: ${last.message}`); this.name = 'GaveUp' }
}

export interface RetryPolicy {
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000 }

/** Full-jitter exponential backoff (bounded): spreads retries of many jobs instead of stampeding. */
export function backoffMs(attempt: number, p: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** attempt)
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

export interface CallDeps {
  tokens: UserTokens
  pacer: Pacer
  serialiser: KeyedSerialiser
  clock: Clock
  sleep: (ms: number) => Promise<void>
  retry: RetryPolicy
}

/**
 * One Feishu call of a job, at Feishu's pace, with the owner's own token: retried on rate limits
 * (waiting x-ogw-ratelimit-reset), lock conflicts (2500021), 5xx, timeouts and network errors;
 * a refused token is refreshed once. Validation and permission errors are never retried: they are
 * thrown as the FeishuError for the caller to map onto rows. `onAttempt` counts every call sent.
 */
export async function callFeishu<T>(
  deps: CallDeps,
  owner: Owner,
  api: FeishuApi,
  call: (token: string) => Promise<T>,
  opts: { serialKey?: string; onAttempt?: () => void; stillWanted?: () => boolean } = {},
): Promise<T> {
  let refreshed = false
  let last: FeishuError | null = null
  for (let attempt = 0; attempt < deps.retry.maxAttempts; attempt++) {
    let token: string
    try {
      token = await deps.tokens.get(owner)
    } catch (e) {
      if (e instanceof AppError && e.code === 'reauth_required') throw new NeedsSignIn()
      if (e instanceof AppError && e.code === 'feishu_unavailable') { await deps.sleep(backoffMs(attempt, deps.retry)); continue }
      throw e
    }
    try {
      // Asked again at the last moment: a call may have waited behind another job's save or the
      // rate limit for a while, and a pause or cancel given meanwhile must stop it being sent.
      const paced = () => deps.pacer.schedule(api, () => {
        if (opts.stillWanted && !opts.stillWanted()) throw new StopRequested()
        opts.onAttempt?.()
        return call(token)
      })
      return await (opts.serialKey ? deps.serialiser.run(opts.serialKey, paced) : paced())
    } catch (e) {
      if (!(e instanceof FeishuError)) throw e
      last = e
      const step = nextStep(e.failure)
      if (step === 'refresh_token') {
        if (refreshed) throw new NeedsSignIn()
        refreshed = true
        await deps.tokens.expire(owner)
        continue
      }
      if (step === 'sign_in') throw new NeedsSignIn()
      if (step === 'refused') throw e
      await deps.sleep(retryWaitMs(e.failure, attempt, (a) => backoffMs(a, deps.retry)))
    }
  }
  throw new GaveUp(last ?? new FeishuError({ kind: 'network', cause: 'no attempt made' }, 0, null, 'no attempt made', null))
}
