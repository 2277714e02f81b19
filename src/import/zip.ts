/**
 * Just enough zip to read .xlsx parts from a Blob without loading the file: the central
 * directory is read from the end, and each part is inflated as a stream so a 150 MB sheet XML
 * never exists in memory at once. Inflation uses the platform's DecompressionStream (native zlib,
 * faster than any JS inflater in Chromium) and falls back to fflate where it is missing.
 */
import { Inflate } from 'fflate'
import { Cancelled, FileError, LIMITS } from './errors'

export interface ZipEntry {
  name: string
  method: number
  flags: number
  compressedSize: number
  size: number
  localOffset: number
}

const EOCD = 0x06054b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50
const utf8 = new TextDecoder()

async function bytes(blob: Blob, start: number, end: number): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(start, end).arrayBuffer())
}

export async function readZipDirectory(blob: Blob): Promise<Map<string, ZipEntry>> {
  const tailStart = Math.max(0, blob.size - (22 + 0xffff))
  const tail = await bytes(blob, tailStart, blob.size)
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength)
  let eocd = -1
  for (let i = tail.length - 22; i >= 0; i--) {
    if (view.getUint32(i, true) === EOCD) { eocd = i; break }
  }
  if (eocd < 0) throw new FileError('corrupt_zip', { detail: 'no end of central directory' })
  const count = view.getUint16(eocd + 10, true)
  const cdSize = view.getUint32(eocd + 12, true)
  const cdOffset = view.getUint32(eocd + 16, true)
  if (cdOffset === 0xffffffff || count === 0xffff) throw new FileError('corrupt_zip', { detail: 'zip64 is not supported' })
  if (cdOffset + cdSize > blob.size) throw new FileError('corrupt_zip', { detail: 'central directory beyond end of file' })
  const cd = await bytes(blob, cdOffset, cdOffset + cdSize)
  const cv = new DataView(cd.buffer, cd.byteOffset, cd.byteLength)
  const entries = new Map<string, ZipEntry>()
  let p = 0
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cv.getUint32(p, true) !== CENTRAL) throw new FileError('corrupt_zip', { detail: 'bad central directory' })
    const nameLen = cv.getUint16(p + 28, true)
    const extraLen = cv.getUint16(p + 30, true)
    const commentLen = cv.getUint16(p + 32, true)
    const entry: ZipEntry = {
      flags: cv.getUint16(p + 8, true),
      method: cv.getUint16(p + 10, true),
      compressedSize: cv.getUint32(p + 20, true),
      size: cv.getUint32(p + 24, true),
      localOffset: cv.getUint32(p + 42, true),
      name: utf8.decode(cd.subarray(p + 46, p + 46 + nameLen)),
    }
    // Some Windows zip writers store "xl\worksheets\sheet1.xml"; part names use "/" (ZIP APPNOTE 4.4.17).
    entries.set(entry.name.replace(/\\/g, '/').replace(/^\/+/, ''), entry)
    p += 46 + nameLen + extraLen + commentLen
  }
  return entries
}

/** Refuses entries that claim to be far larger than any real sheet, before inflating a byte. */
export function checkEntrySize(entry: ZipEntry): void {
  if (entry.flags & 1) throw new FileError('password_protected')
  if (entry.size > LIMITS.maxEntryBytes) throw new FileError('zip_bomb', { name: entry.name, size: entry.size })
  if (entry.compressedSize > 0 && entry.size / entry.compressedSize > LIMITS.maxRatio && entry.size > 64 * 1024 * 1024) {
    throw new FileError('zip_bomb', { name: entry.name, size: entry.size })
  }
  if (entry.method !== 0 && entry.method !== 8) throw new FileError('corrupt_zip', { detail: `compression method ${entry.method}` })
}

/**
 * 'helper' = DecompressionStream in a helper worker, pipelined with this thread's scan (large
 * parts only; see inflate-helper.ts); 'native' = DecompressionStream in this thread; 'fflate' =
 * JS inflater. Default: helper when a helper can be started, else native when available.
 */
export type Inflater = 'helper' | 'native' | 'fflate'

export interface InflateOptions {
  inflater?: Inflater
  isCancelled?: () => boolean
  /** Starts a helper worker for inflating (the import worker passes one; tests may pass a MessagePort pair). */
  startHelper?: () => HelperPort
}

/** What the helper is to this thread: a Worker, or one end of a MessageChannel in tests. */
export interface HelperPort {
  postMessage(message: unknown, transfer: Transferable[]): void
  onmessage: ((e: MessageEvent) => void) | null
  onerror?: ((e: ErrorEvent) => void) | null
  terminate(): void
}

export function nativeInflateAvailable(): boolean {
  try {
    return typeof DecompressionStream !== 'undefined' && !!new DecompressionStream('deflate-raw')
  } catch {
    return false
  }
}

/**
 * Streams one entry's bytes to `onChunk` (return false to stop early). Never yields more than the
 * size the directory declared: a part that inflates beyond it is a lie, i.e. a bomb.
 */
export async function inflateEntry(
  blob: Blob,
  entry: ZipEntry,
  onChunk: (chunk: Uint8Array) => boolean | void,
  options: InflateOptions = {},
): Promise<void> {
  checkEntrySize(entry)
  const raw = await entryData(blob, entry)
  const limit = entry.size
  let total = 0
  const accept = (chunk: Uint8Array): boolean => {
    if (options.isCancelled?.()) throw new Cancelled()
    total += chunk.length
    if (total > limit) throw new FileError('zip_bomb', { name: entry.name, size: total })
    return onChunk(chunk) !== false
  }
  if (entry.method === 0) {
    await pump(raw.stream(), accept)
    return
  }
  // 'helper' here means a part too small for the helper (or the helper could not start): as by default.
  const useNative = options.inflater === 'native' || (options.inflater !== 'fflate' && nativeInflateAvailable())
  if (useNative) {
    try {
      await inflateNative(raw, accept)
    } catch (e) {
      if (e instanceof FileError || e instanceof Cancelled) throw e
      throw new FileError('corrupt_zip', { detail: `${entry.name}: ${(e as Error).message}` })
    }
    return
  }
  let stopped = false
  let failure: unknown = null
  const inflater = new Inflate((chunk) => {
    if (stopped || failure) return
    try {
      if (!accept(chunk)) stopped = true
    } catch (e) {
      failure = e
    }
  })
  const reader = raw.stream().getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      try {
        inflater.push(value, false)
      } catch (e) {
        throw new FileError('corrupt_zip', { detail: `${entry.name}: ${(e as Error).message}` })
      }
      if (failure) throw failure
      if (stopped) return
    }
    try {
      inflater.push(new Uint8Array(0), true)
    } catch (e) {
      throw new FileError('corrupt_zip', { detail: `${entry.name}: ${(e as Error).message}` })
    }
    if (failure) throw failure
  } finally {
    await reader.cancel().catch(() => undefined)
  }
}

/** The compressed bytes of an entry (after its local header), checked to lie within the file. */
export async function entryData(blob: Blob, entry: ZipEntry): Promise<Blob> {
  const local = await bytes(blob, entry.localOffset, entry.localOffset + 30)
  const lv = new DataView(local.buffer, local.byteOffset, local.byteLength)
  if (local.length < 30 || lv.getUint32(0, true) !== LOCAL) throw new FileError('corrupt_zip', { detail: `bad local header for ${entry.name}` })
  const start = entry.localOffset + 30 + lv.getUint16(26, true) + lv.getUint16(28, true)
  const end = start + entry.compressedSize
  if (end > blob.size) throw new FileError('corrupt_zip', { detail: `${entry.name} is cut off` })
  return blob.slice(start, end)
}

/** Return false to stop; a promise makes the stream wait (the helper waits for the reader to catch up). */
export type Accept = (chunk: Uint8Array) => boolean | Promise<boolean>

/**
 * raw → DecompressionStream → accept, piped by hand (not pipeThrough) so each compressed chunk is
 * released as soon as the decompressor has taken it (see release).
 */
export async function inflateNative(raw: Blob, accept: Accept, keepChunks = false): Promise<void> {
  const ds = new DecompressionStream('deflate-raw')
  const writer = ds.writable.getWriter()
  const input = raw.stream().getReader()
  let stopped = false
  const feed = (async () => {
    try {
      let next = input.read()
      for (;;) {
        const { done, value } = await next
        if (done || stopped) break
        next = input.read() // the file is read ahead while this chunk inflates
        await writer.ready
        // Resolves once the decompressor has inflated the chunk (its transform is synchronous).
        await writer.write(value)
        release(value)
      }
      if (!stopped) await writer.close()
    } catch (e) {
      // The file could not be read (or the data is broken): fail the output side with it, so
      // the reader below ends with this error instead of waiting for bytes that never come.
      await writer.abort(e).catch(() => undefined)
    } finally {
      await input.cancel().catch(() => undefined)
    }
  })()
  try {
    await pump(ds.readable, accept, keepChunks)
  } finally {
    stopped = true
    await writer.abort().catch(() => undefined)
    await feed
  }
}

/** keepChunks: the consumer holds on to the chunks (the helper batches them to send), so do not release them. */
async function pump(stream: ReadableStream<Uint8Array>, accept: Accept, keepChunks = false): Promise<void> {
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      try {
        const go = accept(value)
        if (!(go === true || (go !== false && (await go)))) return
      } finally {
        if (!keepChunks) release(value)
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
}

/**
 * Frees a chunk the stream handed over, now that it is read (every consumer copies what it keeps).
 * A 100k-row sheet inflates to ~100 MB in ~1,500 chunks; left to the garbage collector they piled
 * up to ~45 MB before a collection. Transferring the buffer to a zero-length one releases its
 * memory at once. Only a chunk that is the whole of its buffer is released.
 */
export function release(chunk: Uint8Array): void {
  if (chunk.byteLength === 0) return // already handed to another thread (or empty)
  const buffer = chunk.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer }
  if (chunk.byteOffset === 0 && chunk.byteLength === buffer.byteLength && typeof buffer.transfer === 'function') buffer.transfer(0)
}

/** Reads a whole (small) entry as text: workbook.xml, styles.xml, rels. */
export async function readEntryText(blob: Blob, entry: ZipEntry, options: InflateOptions = {}): Promise<string> {
  const decoder = new TextDecoder()
  let out = ''
  await inflateEntry(blob, entry, (chunk) => { out += decoder.decode(chunk, { stream: true }) }, options)
  return out + decoder.decode()
}
