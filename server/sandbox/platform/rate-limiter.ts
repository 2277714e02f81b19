// Per (app, tenant, API) limits (§1.4): several windows may apply at once (1000/min AND 50/s) and
// reaching any of them limits. A sliding log is stricter than fixed buckets — no double burst at a
// bucket edge — which is the harder behaviour for the app's pacing.
import type { RateWindow } from './apis'

export type RateDecision = { ok: true } | { ok: false; limit: number; resetSec: number }

export class RateLimiter {
  private readonly hits = new Map<string, number[]>()

  check(key: string, windows: readonly RateWindow[], now: number): RateDecision {
    if (windows.length === 0) return { ok: true }
    const longest = Math.max(...windows.map((w) => w.windowMs))
    const log = (this.hits.get(key) ?? []).filter((t) => t > now - longest)
    for (const w of windows) {
      const inWindow = log.filter((t) => t > now - w.windowMs)
      if (inWindow.length >= w.limit) {
        this.hits.set(key, log)
        const oldest = inWindow[inWindow.length - w.limit] ?? now
        return { ok: false, limit: w.limit, resetSec: Math.max(1, Math.ceil((oldest + w.windowMs - now) / 1000)) }
      }
    }
    log.push(now)
    this.hits.set(key, log)
    return { ok: true }
  }

  clear(): void {
    this.hits.clear()
  }
}
