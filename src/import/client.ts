/**
 * The main thread's handle on the import worker: one typed method per request, progress
 * callbacks, and cancel. Cancel and any file error end the worker (a stuck parse cannot keep
 * the tab busy); the next request starts a fresh one.
 */
import type { CellValue, Locale, TargetSchema } from '../domain/target'
import { FileError, type FileErrorCode } from './errors'
import type { ChosenEncoding } from './encoding'
import type { ColumnMatch, SavedMapping } from './mapping'
import type {
  BulkFix, OpenResult, Op, Progress, ReadTuning, RequestMessage, Requests, ResponseMessage, ResultLabels, RowFilter, RowOrder,
  RowResult, RowsPage, RowView, SheetResult, Summary,
} from './protocol'

export interface Transport {
  post(msg: RequestMessage, transfer?: Transferable[]): void
  onMessage(cb: (msg: ResponseMessage) => void): void
  onCrash(cb: (detail: string) => void): void
  terminate(): void
}

export type TransportFactory = () => Transport

/**
 * A plain copy of small arguments: callers often hold them in Vue state, and a reactive Proxy
 * cannot be posted to a worker (DataCloneError).
 */
function plain<T>(value: T): T {
  return value === null || value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T)
}

export function workerTransport(): Transport {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'import' })
  return {
    post: (msg, transfer) => worker.postMessage(msg, transfer ?? []),
    onMessage: (cb) => { worker.onmessage = (e: MessageEvent<ResponseMessage>) => cb(e.data) },
    // An out-of-memory kill or a syntax error in the bundle arrives here, not as a response.
    onCrash: (cb) => { worker.onerror = (e) => { e.preventDefault(); cb(e.message || 'worker error') } },
    terminate: () => worker.terminate(),
  }
}

/** Runs the worker's code on this thread; for tests and environments without Worker. */
export function inProcessTransport(): Transport {
  let listener: (msg: ResponseMessage) => void = () => undefined
  let dead = false
  const handlerPromise = import('./handler').then(({ createHandler }) => createHandler((msg) => { if (!dead) listener(msg) }))
  return {
    // structuredClone, as postMessage does, so what cannot cross into a real worker (a Vue proxy)
    // fails here too. The file stays a reference: test DOMs have their own File class.
    post: (msg) => {
      const { file, ...rest } = msg.args as { file?: Blob }
      const copy = structuredClone({ ...msg, args: rest }) as RequestMessage
      if (file) (copy.args as { file?: Blob }).file = file
      void handlerPromise.then((h) => h.handle(copy))
    },
    onMessage: (cb) => { listener = cb },
    onCrash: () => undefined,
    terminate: () => { dead = true; void handlerPromise.then((h) => h.cancel()) },
  }
}

export function defaultTransport(): TransportFactory {
  return typeof Worker !== 'undefined' && typeof window !== 'undefined' && !('happyDOM' in window) ? workerTransport : inProcessTransport
}

/** Rejection of a cancelled request; callers usually ignore it. */
export class CancelledError extends Error {
  constructor() { super('cancelled'); this.name = 'CancelledError' }
}

interface Pending { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (p: Progress) => void }

export class ImportClient {
  private transport: Transport | null = null
  /** Whether the worker has been given a file (a warmed worker that has not is used for the next). */
  private used = false
  private pending = new Map<number, Pending>()
  private nextId = 1

  constructor(private readonly factory: TransportFactory = defaultTransport()) {}

  private ensure(): Transport {
    if (this.transport) return this.transport
    const t = this.factory()
    t.onMessage((msg) => this.receive(msg))
    t.onCrash((detail) => this.fail(new FileError('worker_crashed', { detail })))
    this.transport = t
    return t
  }

  private receive(msg: ResponseMessage): void {
    const p = this.pending.get(msg.id)
    if (!p) return
    if (msg.type === 'progress') { p.onProgress?.(msg.progress); return }
    this.pending.delete(msg.id)
    if (msg.type === 'result') p.resolve(msg.result)
    else {
      p.reject(new FileError(msg.error.code as FileErrorCode, msg.error.params))
      // The session is in an unknown state after a file error: end the worker.
      if (msg.error.code !== 'bad_request') this.end()
    }
  }

  private fail(error: Error): void {
    const all = [...this.pending.values()]
    this.pending.clear()
    this.end()
    for (const p of all) p.reject(error)
  }

  private end(): void {
    this.transport?.terminate()
    this.transport = null
    this.used = false
  }

  private request<K extends Op>(op: K, args: Requests[K]['args'], onProgress?: (p: Progress) => void, transfer?: Transferable[]): Promise<Requests[K]['result']> {
    const t = this.ensure()
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress })
      t.post({ id, op, args } as RequestMessage, transfer)
    })
  }

  /** Whether a worker (and so a read file) is alive. */
  get active(): boolean { return this.transport !== null }

  /**
   * Starts the worker and its inflate helper before there is a file (the import page does this
   * when it opens), so reading starts at once when the person picks one. Resolves once both are
   * up; never rejects (without them the read simply starts them itself).
   */
  async warm(): Promise<void> {
    if (this.transport) return
    await this.request('warm', {}).catch(() => undefined)
  }

  open(file: Blob, fileName: string, schema: TargetSchema, saved: SavedMapping | null, onProgress?: (p: Progress) => void, tuning?: ReadTuning): Promise<OpenResult> {
    // A new file always gets a worker that has held no other file, so nothing of the previous
    // file stays in memory: the warmed one if it is still unused, else a fresh one.
    if (this.used) this.cancel()
    this.used = true
    const args = { file, fileName, schema: plain(schema), saved: plain(saved) }
    return this.request('open', tuning ? { ...args, tuning } : args, onProgress)
  }

  /** Reads a pasted Feishu Sheet / Base link (the worker streams it from `endpoint`). */
  openFeishu(link: string, endpoint: string, schema: TargetSchema, saved: SavedMapping | null, onProgress?: (p: Progress) => void): Promise<OpenResult> {
    if (this.used) this.cancel()
    this.used = true
    return this.request('openFeishu', { link, endpoint, schema: plain(schema), saved: plain(saved) }, onProgress)
  }

  chooseSheet(index: number, onProgress?: (p: Progress) => void): Promise<SheetResult> {
    return this.request('chooseSheet', { index }, onProgress)
  }

  setHeader(headerRow: number, depth: 1 | 2): Promise<SheetResult> {
    return this.request('setHeader', { headerRow, depth })
  }

  applyMapping(matches: ColumnMatch[], onProgress?: (p: Progress) => void): Promise<Summary> {
    return this.request('applyMapping', { matches: plain(matches) }, onProgress)
  }

  rows(filter: RowFilter, order: RowOrder, start: number, count: number): Promise<RowsPage> {
    return this.request('rows', { filter, order, start, count })
  }

  editCell(row: number, field: string, value: CellValue): Promise<{ summary: Summary; rows: RowView[] }> {
    return this.request('editCell', { row, field, value })
  }

  bulkFix(fix: BulkFix): Promise<{ changed: number; summary: Summary }> {
    return this.request('bulkFix', { fix: plain(fix) })
  }

  deleteRows(rows: number[]): Promise<Summary> {
    return this.request('deleteRows', { rows: [...rows] })
  }

  /** Takes a left-out total or label row back into the import. */
  includeRow(row: number): Promise<Summary> {
    return this.request('includeRow', { row })
  }

  /** Reads the CSV again in the chosen encoding. */
  reread(encoding: ChosenEncoding, onProgress?: (p: Progress) => void): Promise<Requests['reread']['result']> {
    return this.request('reread', { encoding }, onProgress)
  }

  /** Normalised rows as a JSON Blob ([{ row, sheetRow, values }]) ready to send as a request body. */
  async exportValues(includeInvalid = false): Promise<{ json: Blob; count: number }> {
    const r = await this.request('exportValues', { includeInvalid })
    return { json: new Blob([r.json], { type: 'application/json' }), count: r.count }
  }

  async resultWorkbook(locale: Locale, labels: ResultLabels, results: RowResult[] | null = null): Promise<Blob> {
    const r = await this.request('resultWorkbook', { locale, labels: plain(labels), results: plain(results) })
    return new Blob([r.xlsx], { type: XLSX_MIME })
  }

  async templateWorkbook(schema: TargetSchema, locale: Locale): Promise<Blob> {
    const r = await this.request('templateWorkbook', { schema: plain(schema), locale })
    return new Blob([r.xlsx], { type: XLSX_MIME })
  }

  /** Stops whatever is running and ends the worker; pending requests reject with CancelledError. */
  cancel(): void {
    if (!this.transport && this.pending.size === 0) return
    this.fail(new CancelledError())
  }

  dispose(): void {
    this.cancel()
  }
}

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
