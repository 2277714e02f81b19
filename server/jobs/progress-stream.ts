import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { FINAL_JOB_STATUSES, type JobProgress, type JobStatus } from '../../src/domain/jobs'
import { AppError } from '../errors'
import type { JobRow } from '../store/jobs-repo'
import type { ProgressBus } from './progress'

export interface StreamLimits {
  /** Open streams one person may hold (tabs × jobs); beyond it, 429. */
  perPerson: number
  /** Open streams on this process; beyond it, 429. Each holds a socket and a bus listener. */
  total: number
  /** A comment line this often keeps proxies from closing an idle stream; the session is re-checked then too. */
  heartbeatMs: number
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { perPerson: 10, total: 1000, heartbeatMs: 15_000 }

export interface ProgressStreamDeps {
  bus: ProgressBus
  progress(jobId: string): Promise<JobProgress | null>
  /** Whether the request's session still stands (it may be signed out or expire while the stream is open). */
  stillSignedIn(c: Context): Promise<boolean>
  limits?: Partial<StreamLimits>
}

export interface ProgressStreams {
  /** Answers `GET /api/jobs/:id/events` for a job the caller owns. */
  open(c: Context, job: JobRow): Promise<Response>
  /** Streams open now (metrics). */
  readonly openCount: number
  /** Shutdown: ends every stream; browsers reconnect to another instance (or to this one restarted). */
  closeAll(): void
}

/**
 * The progress streams (SSE) of jobs. Each open stream is counted against its owner and against the
 * process before any work is done, so a flood of attempts is refused with a 429 at the cost of a
 * session lookup, and memory stays bounded. A stream ends with an `end` event when its job reaches a
 * final state; it closes without one when the session ends or the server shuts down, and the app's
 * reconnect (which checks the session first) takes over.
 */
export function progressStreams(deps: ProgressStreamDeps): ProgressStreams {
  const limits = { ...DEFAULT_STREAM_LIMITS, ...deps.limits }
  const perPerson = new Map<string, number>()
  let total = 0
  const closers = new Set<() => void>()

  function reserve(person: string): () => void {
    const mine = perPerson.get(person) ?? 0
    if (mine >= limits.perPerson) {
      throw new AppError(429, 'too_many_streams', `You already have ${limits.perPerson} progress streams open. Close other job pages and try again.`, { limit: limits.perPerson, scope: 'person' })
    }
    if (total >= limits.total) {
      throw new AppError(429, 'too_many_streams', 'The server has too many progress streams open. Try again in a minute.', { limit: limits.total, scope: 'server' })
    }
    perPerson.set(person, mine + 1)
    total++
    let released = false
    return () => {
      if (released) return
      released = true
      total--
      const left = (perPerson.get(person) ?? 1) - 1
      if (left > 0) perPerson.set(person, left)
      else perPerson.delete(person)
    }
  }

  return {
    get openCount() { return total },
    closeAll() { for (const close of [...closers]) close() },
    async open(c, job) {
      const session = c.get('session')
      let release: () => void
      try {
        release = reserve(`${session.user.tenantKey}/${session.user.openId}`)
      } catch (e) {
        c.header('Retry-After', '60')
        throw e
      }
      return streamSSE(c, async (stream) => {
        let closed = false
        let wake: () => void = () => {}
        const close = () => { closed = true; wake() }
        closers.add(close)
        const send = (event: string, data: unknown) => stream.writeSSE({ event, data: JSON.stringify(data) })
        let ended = false
        const unsubscribe = deps.bus.subscribe(job.id, (p) => {
          if (closed) return
          send('progress', p).then(() => {
            if (FINAL_JOB_STATUSES.includes(p.status)) { ended = true; close() }
          }, close)
        })
        stream.onAbort(close)
        try {
          const first = await deps.progress(job.id)
          if (first) await send('progress', first)
          if (first && FINAL_JOB_STATUSES.includes(first.status as JobStatus)) ended = true
          while (!closed && !ended) {
            const timer = await new Promise<ReturnType<typeof setTimeout>>((ok) => {
              const t = setTimeout(() => ok(t), limits.heartbeatMs)
              wake = () => ok(t)
            })
            clearTimeout(timer)
            if (closed || ended) break
            if (!(await deps.stillSignedIn(c).catch(() => false))) break
            await stream.write(': keep-alive\n\n')
          }
          if (ended) await send('end', { id: job.id })
        } catch {
          // The socket went away or the store failed: closing is all there is to do; the app reconnects.
        } finally {
          unsubscribe()
          closers.delete(close)
          release()
        }
      })
    },
  }
}
