/**
 * Inflating a large part in a helper worker while the import worker scans what is already
 * inflated. On one thread a 100k × 30 sheet costs inflate + scan (~0.5 s + ~0.35 s); with the
 * helper it costs about the longer of the two, on the second core every machine has.
 *
 * The helper sends inflated chunks in batches of ~1 MB, transferring their buffers (no copy), and
 * stops once WINDOW_BYTES are sent but not yet scanned, so memory stays bounded however far the
 * scan falls behind. It checks the size the zip directory declared (a part that inflates beyond
 * it is a bomb) and answers with the same FileErrors the in-thread path throws.
 */
import { Cancelled, FileError, type FileErrorCode } from './errors'
import { checkEntrySize, entryData, inflateEntry, inflateNative, nativeInflateAvailable, release, type HelperPort, type InflateOptions, type ZipEntry } from './zip'

/** Parts smaller than this are inflated in the reader's own thread: starting a helper costs more. */
export const HELPER_MIN_BYTES = 8 << 20
/** Inflated bytes sent in one message. */
export const BATCH_BYTES = 1 << 20
/**
 * Inflated bytes the helper may have sent that the reader has not scanned yet. The scan is slow
 * while its code is still being optimised, so the helper runs ahead at first: with 8 MB it was
 * held back 55–75 ms a read of the bench sheet, with 16 MB 9–16 ms (the read ~60 ms shorter), for
 * at most 8 MB more in the worker.
 */
export const WINDOW_BYTES = 16 << 20

export type ToHelper =
  | { type: 'inflate'; blob: Blob; entry: ZipEntry; window: number }
  | { type: 'ack'; bytes: number }
export type FromHelper =
  | { type: 'ready' }
  | { type: 'chunks'; chunks: Uint8Array[] }
  | { type: 'end'; /** the helper's own figures (bench): from starting to inflate to its end, and of that, held back by the window */ busyMs: number; stalledMs: number }
  | { type: 'error'; code: FileErrorCode; params: Record<string, string | number> }

/** The helper's side (inflate-worker.ts): one entry per helper, then it is ended by the reader. */
export function serveInflate(port: { postMessage(m: FromHelper, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<ToHelper>) => void) | null }): void {
  let inFlight = 0
  let window = WINDOW_BYTES
  let wake: (() => void) | null = null
  port.onmessage = (e) => {
    const m = e.data
    if (m.type === 'ack') {
      inFlight -= m.bytes
      if (wake && inFlight <= window) { const w = wake; wake = null; w() }
      return
    }
    window = m.window
    void run(m.blob, m.entry)
  }
  // A helper started ahead of its file (warm) is waited for until it says so.
  port.postMessage({ type: 'ready' })
  async function run(blob: Blob, entry: ZipEntry): Promise<void> {
    let batch: Uint8Array[] = []
    let batchBytes = 0
    let total = 0
    const t0 = performance.now()
    let stalledMs = 0
    const flush = (): void => {
      // Chunks normally own their buffers; never list one buffer twice (that fails the transfer).
      const buffers = new Set<ArrayBuffer>()
      for (const c of batch) buffers.add(c.buffer as ArrayBuffer)
      port.postMessage({ type: 'chunks', chunks: batch }, [...buffers])
      inFlight += batchBytes
      batch = []
      batchBytes = 0
    }
    try {
      await inflateNative(await entryData(blob, entry), async (chunk) => {
        total += chunk.length
        if (total > entry.size) throw new FileError('zip_bomb', { name: entry.name, size: total })
        batch.push(chunk)
        batchBytes += chunk.length
        if (batchBytes >= BATCH_BYTES) {
          flush()
          if (inFlight > window) {
            const t = performance.now()
            await new Promise<void>((ok) => { wake = ok })
            stalledMs += performance.now() - t
          }
        }
        return true
      }, true)
      if (batchBytes > 0) flush()
      port.postMessage({ type: 'end', busyMs: performance.now() - t0, stalledMs })
    } catch (e) {
      if (e instanceof FileError) port.postMessage({ type: 'error', code: e.code, params: e.params })
      else port.postMessage({ type: 'error', code: 'corrupt_zip', params: { detail: `${entry.name}: ${(e as Error)?.message ?? String(e)}` } })
    }
  }
}

/** The helper could not be started or died; the caller may inflate in its own thread instead. */
export class HelperLost extends Error {
  constructor(readonly delivered: number, detail: string) {
    super(`inflate helper lost after ${delivered} bytes: ${detail}`)
    this.name = 'HelperLost'
  }
}

/**
 * The reader's side. Starts inflating as soon as it is made, so the caller can do other work
 * (the shared strings) while the first window of the sheet is inflated.
 */
export class HelperInflate {
  private queue: Uint8Array[][] = []
  private ended = false
  private failure: Error | null = null
  private waiting: (() => void) | null = null
  private delivered = 0
  /** Time the reader spent waiting for the helper (bench figure: > 0 means inflating is the slower half). */
  waitMs = 0
  /** From starting the helper to its first batch arriving (bench figure: the helper's start-up). */
  firstMs = 0
  /** The helper's own figures, once it has ended (bench): inflating start to end, and held back by the window. */
  helperMs = 0
  stalledMs = 0
  private readonly started = performance.now()

  constructor(private readonly port: HelperPort, blob: Blob, readonly entry: ZipEntry, window = WINDOW_BYTES) {
    port.onmessage = (e: MessageEvent<FromHelper>) => {
      const m = e.data
      if (m.type === 'ready') return
      if (m.type === 'chunks') {
        if (this.firstMs === 0) this.firstMs = performance.now() - this.started
        this.queue.push(m.chunks)
      }
      else if (m.type === 'end') {
        this.ended = true
        this.helperMs = m.busyMs
        this.stalledMs = m.stalledMs
      }
      else this.failure = new FileError(m.code, m.params)
      this.wake()
    }
    port.onerror = (e) => {
      e.preventDefault?.()
      if (this.ended || this.failure) return // it had already said all it had to say
      this.failure = new HelperLost(this.delivered, e.message || 'worker error')
      this.wake()
    }
    const message: ToHelper = { type: 'inflate', blob, entry, window }
    port.postMessage(message, [])
  }

  private wake(): void {
    const w = this.waiting
    this.waiting = null
    w?.()
  }

  /**
   * Hands every chunk to `accept` in order (false stops early). Throws the helper's FileError, or
   * HelperLost if it died. `isCancelled` is checked between chunks, as the in-thread path does.
   */
  async pump(accept: (chunk: Uint8Array) => boolean, isCancelled?: () => boolean): Promise<void> {
    for (;;) {
      const chunks = this.queue.shift()
      if (chunks) {
        let bytes = 0
        for (const chunk of chunks) {
          if (isCancelled?.()) throw new Cancelled()
          bytes += chunk.length
          this.delivered += chunk.length
          if (this.delivered > this.entry.size) throw new FileError('zip_bomb', { name: this.entry.name, size: this.delivered })
          const go = accept(chunk)
          release(chunk)
          if (!go) return
        }
        const ack: ToHelper = { type: 'ack', bytes }
        this.port.postMessage(ack, [])
        continue
      }
      if (this.failure) throw this.failure
      if (this.ended) return
      const t = performance.now()
      await new Promise<void>((ok) => { this.waiting = ok })
      this.waitMs += performance.now() - t
    }
  }

  /** Ends the helper (always: after the last chunk, an early stop, an error or a cancel). */
  close(): void {
    this.port.onmessage = null
    this.port.terminate()
  }
}

export interface EntryStream {
  /** Hands the entry's bytes to `onChunk` in order (false stops early); once only. */
  pump(onChunk: (chunk: Uint8Array) => boolean | void): Promise<void>
  /** Ends the helper, if one was started; safe to call more than once. */
  close(): void
  /** Figures of the helper, for bench:import (all 0 without a helper). */
  figures(): HelperFigures
}

export interface HelperFigures {
  /** Time the reader spent waiting for the helper's chunks. */
  waitMs: number
  /** The helper's start-up: from starting it to its first batch. */
  firstMs: number
  /** The helper's time from starting to inflate to its end, and of that, held back by the window. */
  helperMs: number
  stalledMs: number
}

function figuresOf(h: HelperInflate | null): HelperFigures {
  return { waitMs: h?.waitMs ?? 0, firstMs: h?.firstMs ?? 0, helperMs: h?.helperMs ?? 0, stalledMs: h?.stalledMs ?? 0 }
}

/**
 * One entry's inflated bytes, from a helper when that pays (a large deflated part, a helper to
 * start, DecompressionStream available) and from this thread otherwise. A helper starts inflating
 * at once; if it cannot start, the part is inflated here instead.
 */
export function streamEntry(blob: Blob, entry: ZipEntry, options: InflateOptions = {}): EntryStream {
  checkEntrySize(entry)
  const inThread: InflateOptions = { isCancelled: options.isCancelled, inflater: options.inflater === 'helper' ? undefined : options.inflater }
  const wanted = !!options.startHelper && entry.method === 8 && entry.size >= HELPER_MIN_BYTES
    && (options.inflater === 'helper' || (options.inflater === undefined && nativeInflateAvailable()))
  let helper: HelperInflate | null = null
  if (wanted) {
    try {
      helper = new HelperInflate((options.startHelper as () => HelperPort)(), blob, entry)
    } catch {
      helper = null // no worker here (a restricted context): read in this thread
    }
  }
  // Kept when the helper is closed (the figures are read after the read ends).
  let kept: HelperFigures | null = null
  const close = (): void => {
    if (helper) kept = figuresOf(helper)
    helper?.close()
    helper = null
  }
  return {
    figures: () => (helper ? figuresOf(helper) : kept ?? figuresOf(null)),
    async pump(onChunk) {
      const accept = (chunk: Uint8Array): boolean => onChunk(chunk) !== false
      if (helper) {
        try {
          await helper.pump(accept, options.isCancelled)
          return
        } catch (e) {
          if (!(e instanceof HelperLost)) throw e
          close()
          // Died half-way: what was scanned cannot be taken back. Never started: read here instead.
          if (e.delivered > 0) throw new FileError('worker_crashed', { detail: e.message })
        }
      }
      await inflateEntry(blob, entry, accept, inThread)
    },
    close,
  }
}
