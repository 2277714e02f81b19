import { backoffMs, DEFAULT_RETRY } from '../jobs/call'
import { isTransient, retryWaitMs } from './classify'
import { FeishuError } from './http'

/**
 * A read the person waits for rides out a passing rate limit, 5xx or network error, as the jobs do
 * (Feishu's own wait when it names one, else the jobs' backoff, at most 5 s a wait). `before` runs
 * before every attempt (a reader that was stopped throws there).
 */
export async function withRetries<T>(read: () => Promise<T>, attempts = 4, before?: () => void): Promise<T> {
  for (let i = 0; ; i++) {
    before?.()
    try {
      return await read()
    } catch (e) {
      if (!(e instanceof FeishuError) || !isTransient(e.failure) || i + 1 >= attempts) throw e
      await new Promise((ok) => setTimeout(ok, Math.min(retryWaitMs(e.failure, i, (a) => backoffMs(a, DEFAULT_RETRY)), 5000)))
    }
  }
}
