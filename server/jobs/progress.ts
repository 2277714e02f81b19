import { EventEmitter } from 'node:events'
import type { JobProgress } from '../../src/domain/jobs'

/**
 * Where job progress is published for the SSE streams. In one process an EventEmitter; scale-out
 * publishes through Redis so any process can stream any job.
 */
export interface ProgressBus {
  publish(p: JobProgress): void
  subscribe(jobId: string, listener: (p: JobProgress) => void): () => void
}

export function inProcessProgressBus(): ProgressBus {
  const ee = new EventEmitter()
  ee.setMaxListeners(0)
  return {
    publish: (p) => { ee.emit(p.id, p) },
    subscribe(jobId, listener) {
      ee.on(jobId, listener)
      return () => { ee.off(jobId, listener) }
    },
  }
}

/** Calls and finished rows over the last few seconds, for the rate and time-left figures. */
export class RateMeter {
  private samples: Array<{ t: number; calls: number; rows: number }> = []
  constructor(private readonly windowMs = 5000) {}

  add(t: number, calls: number, rows: number): void {
    this.samples.push({ t, calls, rows })
    const cutoff = t - this.windowMs
    while (this.samples.length > 2 && this.samples[0]!.t < cutoff) this.samples.shift()
  }

  rates(now: number): { callsPerSecond: number; rowsPerSecond: number } {
    const s = this.samples.filter((x) => x.t >= now - this.windowMs)
    if (!s.length) return { callsPerSecond: 0, rowsPerSecond: 0 }
    const span = Math.max(1000, now - s[0]!.t) / 1000
    return {
      callsPerSecond: Math.round((s.reduce((a, x) => a + x.calls, 0) / span) * 10) / 10,
      rowsPerSecond: Math.round((s.reduce((a, x) => a + x.rows, 0) / span) * 10) / 10,
    }
  }
}
