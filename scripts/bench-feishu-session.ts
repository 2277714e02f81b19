/**
 * The reading session of the Feishu-sheet bench (bench-feishu-sheet.ts) in its own thread, as in use
 * the import worker runs in the person's browser, apart from the server: the app server's work and
 * the worker's no longer take turns on one thread. Answers the rows read, the time taken and this
 * thread's work while reading (bench-thread-cpu.ts).
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { TargetSchema } from '../src/domain/target'
import { ImportSession } from '../src/import/session'
import { threadWork } from './bench-thread-cpu'

const { base, cookie, link, schema } = workerData as { base: string; cookie: string; link: string; schema: TargetSchema }
const session = new ImportSession({
  progress: () => undefined, isCancelled: () => false,
  fetch: ((url: string, init: RequestInit) => fetch(`${base}${url}`, { ...init, headers: { ...(init.headers as Record<string, string>), Cookie: cookie } })) as typeof fetch,
})
const work = threadWork()
const work0 = work.ms()
const t0 = performance.now()
const opened = await session.openFeishu({ link, endpoint: '/api/sources/feishu/read', schema, saved: null })
parentPort!.postMessage({ rows: opened.sheet?.rowCount ?? 0, ms: performance.now() - t0, workMs: work.ms() - work0 })
