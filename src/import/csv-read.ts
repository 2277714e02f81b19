/**
 * CSV/TXT reader: encoding detected (encoding.ts), delimiter detected, RFC 4180 quotes, CR/LF/CRLF.
 * Every field stays text — "007" stays "007" — but canonical numbers are stored compactly
 * (Tag.NumericText) and read back as the very same text.
 *
 * The file is read in chunks into one reused buffer and parsed as UTF-8 bytes (other encodings
 * are decoded chunk by chunk and re-encoded as UTF-8 first): neither the whole file nor its whole
 * text is ever held, numbers are parsed from the bytes, and each distinct text of a column is
 * decoded once and stored once (a department named 100,000 times is one string).
 */
import { CellStore, Tag } from './cells'
import { Cancelled, FileError, LIMITS } from './errors'
import { detectEncoding, StreamCheck, type ChosenEncoding, type DetectedEncoding, type TextEncodingName } from './encoding'
import { canonicalNumber, canonicalScanned, ScannedNumber } from './number'
import { columnName } from './xml'

export type Delimiter = ',' | '\t' | ';' | '|'
const CANDIDATES: Delimiter[] = [',', '\t', ';', '|']

export interface CsvResult { store: CellStore; encoding: DetectedEncoding; delimiter: Delimiter }

export interface CsvOptions {
  maxRows?: number
  /** Bytes read from the file at a time (tests use small ones to cut rows and characters in two). */
  chunkBytes?: number
  isCancelled?: () => boolean
  onProgress?: (p: { done: number; total: number; rows: number }) => void
  /** Read in this encoding instead of detecting one (the person's choice). */
  encoding?: ChosenEncoding
}

/** Counts delimiters per line outside quotes over the first lines; the one that is steady and present wins. */
export function detectDelimiter(text: string): Delimiter {
  const lines: string[] = []
  let inQuote = false
  let start = 0
  for (let i = 0; i < text.length && lines.length < 50; i++) {
    const c = text.charCodeAt(i)
    if (c === 34) inQuote = !inQuote
    else if (!inQuote && (c === 10 || c === 13)) {
      if (i > start) lines.push(text.slice(start, i))
      start = i + 1
    }
  }
  if (lines.length < 50 && start < text.length) lines.push(text.slice(start, Math.min(text.length, start + 100_000)))
  let best: Delimiter = ','
  let bestScore = -1
  for (const d of CANDIDATES) {
    const counts = lines.map((l) => countOutsideQuotes(l, d))
    const present = counts.filter((c) => c > 0)
    if (present.length === 0) continue
    const freq = new Map<number, number>()
    for (const c of present) freq.set(c, (freq.get(c) ?? 0) + 1)
    const [mode, modeCount] = [...freq.entries()].sort((a, b) => b[1] - a[1])[0] as [number, number]
    // Consistency across lines matters most; more columns breaks ties.
    const score = (modeCount / lines.length) * 1000 + Math.min(mode, 100)
    if (score > bestScore) { bestScore = score; best = d }
  }
  return best
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0
  let q = false
  const dc = d.charCodeAt(0)
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i)
    if (c === 34) q = !q
    else if (!q && c === dc) n++
  }
  return n
}

function looksBinary(b: Uint8Array, enc: DetectedEncoding): boolean {
  if (enc.encoding.startsWith('utf-16')) return false
  const n = Math.min(b.length, 65536)
  let control = 0
  for (let i = 0; i < n; i++) {
    const c = b[i] as number
    if (c === 0) return true
    if (c < 9 || (c > 13 && c < 32 && c !== 26 && c !== 27)) control++
  }
  return control > n * 0.01
}

const QUOTE = 34
const LF = 10
const CR = 13

/**
 * Murmur3-style hash of bytes, four at a time (a byte-wise FNV loop was a fifth of the CSV read).
 * The final mix spreads every input bit to the low bits the table masks with.
 */
/** Texts looked up in a column before deciding whether interning them pays. */
const DISTINCT_PROBE = 2048

/** Thrown when a file taken for UTF-8 turns out not to be; it is read again as GBK/GB18030. */
class NotUtf8 extends Error {}

function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = end - start
  let i = start
  for (; i + 4 <= end; i += 4) {
    let k = (b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24)
    k = Math.imul(k, 0xcc9e2d51)
    k = (k << 15) | (k >>> 17)
    h ^= Math.imul(k, 0x1b873593)
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  let k = 0
  for (let shift = 0; i < end; i++, shift += 8) k |= (b[i] as number) << shift
  k = Math.imul(k, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  h ^= Math.imul(k, 0x1b873593)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

/**
 * Short ASCII text (employee numbers, codes) without a TextDecoder call; the rest through it.
 * With a fatal decoder, invalid bytes mean the file is not UTF-8 (see CsvParser).
 */
function decodeUtf8(decoder: TextDecoder, b: Uint8Array, start: number, end: number): string {
  if (end - start <= 24) {
    for (let i = start; i < end; i++) if ((b[i] as number) >= 0x80) return decodeOrNotUtf8(decoder, b, start, end)
    let s = ''
    let i = start
    // fromCharCode with the bytes as arguments is ~10× a TextDecoder call or a char-by-char build.
    for (; i + 8 <= end; i += 8) s += String.fromCharCode(b[i] as number, b[i + 1] as number, b[i + 2] as number, b[i + 3] as number, b[i + 4] as number, b[i + 5] as number, b[i + 6] as number, b[i + 7] as number)
    switch (end - i) {
      case 1: return s + String.fromCharCode(b[i] as number)
      case 2: return s + String.fromCharCode(b[i] as number, b[i + 1] as number)
      case 3: return s + String.fromCharCode(b[i] as number, b[i + 1] as number, b[i + 2] as number)
      case 4: return s + String.fromCharCode(b[i] as number, b[i + 1] as number, b[i + 2] as number, b[i + 3] as number)
      case 5: return s + String.fromCharCode(b[i] as number, b[i + 1] as number, b[i + 2] as number, b[i + 3] as number, b[i + 4] as number)
      case 6: return s + String.fromCharCode(b[i] as number, b[i + 1] as number, b[i + 2] as number, b[i + 3] as number, b[i + 4] as number, b[i + 5] as number)
      case 7: return s + String.fromCharCode(b[i] as number, b[i + 1] as number, b[i + 2] as number, b[i + 3] as number, b[i + 4] as number, b[i + 5] as number, b[i + 6] as number)
      default: return s
    }
  }
  return decodeOrNotUtf8(decoder, b, start, end)
}

function decodeOrNotUtf8(decoder: TextDecoder, b: Uint8Array, start: number, end: number): string {
  try {
    return decoder.decode(b.subarray(start, end))
  } catch {
    throw new NotUtf8()
  }
}

/**
 * Each distinct byte string once: an open-addressing table over the bytes, so a repeated text is
 * found without building a JS string for it; only a new one is decoded.
 */
class Interner {
  // Small to start: there is one per column, and most columns hold a few dozen distinct texts.
  private slots = new Int32Array(1 << 8)
  private hashes = new Int32Array(1 << 6)
  private offsets = new Int32Array(1 << 6)
  private lengths = new Int32Array(1 << 6)
  private pool = new Uint8Array(1 << 10)
  private poolLen = 0
  count = 0
  constructor(private readonly store: CellStore, private readonly decoder: TextDecoder) {}

  /** Lookups so far; with `count`, tells a column of mostly distinct texts (see CsvParser.put). */
  lookups = 0

  intern(b: Uint8Array, start: number, end: number): number {
    this.lookups++
    const h = hashBytes(b, start, end)
    const mask = this.slots.length - 1
    let slot = h & mask
    const len = end - start
    for (;;) {
      const entry = this.slots[slot] as number
      if (entry === 0) break
      const id = entry - 1
      if (this.hashes[id] === h && this.lengths[id] === len && this.same(b, start, this.offsets[id] as number, len)) return this.indexOf(id)
      slot = (slot + 1) & mask
    }
    return this.add(b, start, end, h, slot)
  }

  /** Store string index of the id-th distinct text. */
  private ids: number[] = []
  private indexOf(id: number): number { return this.ids[id] as number }

  private same(b: Uint8Array, start: number, at: number, len: number): boolean {
    const pool = this.pool
    for (let k = 0; k < len; k++) if (b[start + k] !== pool[at + k]) return false
    return true
  }

  private add(b: Uint8Array, start: number, end: number, h: number, slot: number): number {
    const len = end - start
    const id = this.count++
    if (id === this.hashes.length) {
      this.hashes = grow(this.hashes, id * 2)
      this.offsets = grow(this.offsets, id * 2)
      this.lengths = grow(this.lengths, id * 2)
    }
    if (this.poolLen + len > this.pool.length) {
      const pool = new Uint8Array(Math.max(this.pool.length * 2, this.poolLen + len))
      pool.set(this.pool.subarray(0, this.poolLen))
      this.pool = pool
    }
    this.pool.set(b.subarray(start, end), this.poolLen)
    this.hashes[id] = h
    this.offsets[id] = this.poolLen
    this.lengths[id] = len
    this.poolLen += len
    this.slots[slot] = id + 1
    const index = this.store.addString(decodeUtf8(this.decoder, b, start, end))
    this.ids.push(index)
    if (this.count * 2 > this.slots.length) this.rehash()
    return index
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2)
    const mask = slots.length - 1
    for (let id = 0; id < this.count; id++) {
      let slot = (this.hashes[id] as number) & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = id + 1
    }
    this.slots = slots
  }
}

function grow(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(size)
  out.set(a)
  return out
}


/**
 * The CSV grammar over UTF-8 bytes, fed a buffer that grows at its end: complete rows are
 * stored, an incomplete last row is left for the next call (`final` = no more bytes will come).
 */
class CsvParser {
  line = 1
  done = false
  private scratch = new Uint8Array(1024)
  /** The last number read (value and places): the parser's own, never shared. */
  private readonly scanned = new ScannedNumber()
  /** One interner per column: a column's few distinct texts stay in a small, cache-warm table (null: not interned). */
  private readonly interners: Array<Interner | null | undefined> = []
  private readonly decoder: TextDecoder
  /**
   * strict: the bytes are taken for UTF-8 without a BOM saying so. Every byte outside a number
   * belongs to a text that is decoded once (a repeated text has the very bytes of one decoded
   * before), so a fatal decoder checks the whole file as it is parsed, instead of a second pass
   * over every byte; the first invalid text throws NotUtf8.
   */
  constructor(
    readonly store: CellStore,
    readonly delimiter: number,
    readonly maxRows: number,
    readonly onRows: () => void,
    strict: boolean,
  ) {
    this.decoder = new TextDecoder('utf-8', { fatal: strict })
  }

  /** Parses buf[pos..len); returns where the first incomplete row starts (len when none). */
  parse(buf: Uint8Array, pos: number, len: number, final: boolean): number {
    const store = this.store
    const d = this.delimiter
    let nextReport = (Math.floor(store.rowCount / 50_000) + 1) * 50_000
    while (pos < len && store.rowCount < this.maxRows) {
      const rowStart = pos
      const lineStart = this.line
      const row = store.addRow(this.line)
      let p = pos
      let col = 0
      let hasValue = false
      let incomplete = false
      for (;;) {
        let j: number
        if (buf[p] === QUOTE) {
          // Quoted field: "" is a quote; may span lines. Text after the closing quote up to the
          // delimiter is kept, as Excel does.
          let q = p + 1
          let close = -1
          while (q < len) {
            if (buf[q] !== QUOTE) { q++; continue }
            if (q + 1 >= len && !final) break
            if (buf[q + 1] === QUOTE) { q += 2; continue }
            close = q
            break
          }
          if (close < 0 && !final) { incomplete = true; break }
          const contentEnd = close < 0 ? len : close
          j = close < 0 ? len : close + 1
          while (j < len) { const c = buf[j] as number; if (c === d || c === LF || c === CR) break; j++ }
          if (j >= len && !final) { incomplete = true; break }
          if (j - p > this.scratch.length) this.scratch = new Uint8Array((j - p) * 2)
          const out = this.scratch
          let o = 0
          let newlines = 0
          for (let k = p + 1; k < contentEnd; k++) {
            const c = buf[k] as number
            if (c === LF) newlines++
            out[o++] = c
            if (c === QUOTE) k++ // the second quote of ""
          }
          for (let k = close < 0 ? len : close + 1; k < j; k++) out[o++] = buf[k] as number
          this.line += newlines
          if (o > 0 && this.put(out, 0, o, row, col, true)) hasValue = true
        } else {
          // The field's end is looked for while its digits are summed, so a number (most cells
          // of a pay sheet) is stored without a second pass over its bytes.
          j = p
          let mant = 0
          let frac = -1
          let numeric = true
          if (buf[j] === 45) j++
          while (j < len) {
            const c = buf[j] as number
            if (c >= 48 && c <= 57) { mant = mant * 10 + (c - 48); if (frac >= 0) frac++ }
            else if (c === d || c === LF || c === CR) break
            else if (c === 46 && frac < 0) frac = 0
            else {
              numeric = false
              while (j < len) { const e = buf[j] as number; if (e === d || e === LF || e === CR) break; j++ }
              break
            }
            j++
          }
          if (j >= len && !final) { incomplete = true; break }
          if (j > p) {
            const scanned = this.scanned
            if (numeric) canonicalScanned(buf, p, j, mant, frac, scanned)
            const num = numeric ? scanned.value : NaN
            if (num === num) {
              if (col >= LIMITS.maxColumns) throw new FileError('too_many_columns', { limit: LIMITS.maxColumns })
              store.set(row, col, Tag.NumericText, num, scanned.places)
              hasValue = true
            } else if (this.put(buf, p, j, row, col, false)) hasValue = true
          }
        }
        const c = buf[j]
        if (j < len && c === d) { p = j + 1; col++; continue }
        // End of line (CRLF, LF or CR) or of the file.
        if (c === CR && j + 1 >= len && !final) { incomplete = true; break }
        if (c === CR && buf[j + 1] === LF) p = j + 2
        else if (j < len) p = j + 1
        else p = len
        this.line++
        break
      }
      if (incomplete) {
        store.dropLastRow()
        this.line = lineStart
        return rowStart
      }
      pos = p
      if (!hasValue) store.dropLastRow()
      else if (store.rowCount > LIMITS.maxRows) throw new FileError('too_many_rows', { limit: LIMITS.maxRows })
      if (store.rowCount >= nextReport) {
        nextReport += 50_000
        this.onRows()
      }
    }
    if (store.rowCount >= this.maxRows) this.done = true
    return pos
  }

  /** Stores one non-empty field; false when it holds nothing. `numeric`: it may be a number. */
  private put(b: Uint8Array, start: number, end: number, row: number, col: number, numeric: boolean): boolean {
    const len = end - start
    // A UTF-8 byte is at most one UTF-16 unit: only a field this long can be over the limit.
    if (len > LIMITS.maxCellChars && decodeOrNotUtf8(this.decoder, b, start, end).length > LIMITS.maxCellChars) {
      throw new FileError('cell_too_large', { cell: `${columnName(col)}${this.line}`, limit: LIMITS.maxCellChars })
    }
    if (col >= LIMITS.maxColumns) throw new FileError('too_many_columns', { limit: LIMITS.maxColumns })
    if (numeric && len <= 15) {
      const scanned = this.scanned
      canonicalNumber(b, start, end, scanned)
      const num = scanned.value
      if (num === num) { this.store.set(row, col, Tag.NumericText, num, scanned.places); return true }
    }
    const interner = this.interners[col]
    if (interner === null) {
      this.store.set(row, col, Tag.String, this.store.addString(decodeUtf8(this.decoder, b, start, end)))
      return true
    }
    if (interner === undefined) this.interners[col] = new Interner(this.store, this.decoder)
    const it = this.interners[col] as Interner
    this.store.set(row, col, Tag.String, it.intern(b, start, end))
    // A column of mostly distinct texts (employee numbers, ID card numbers) gains nothing from the
    // table but its cost: its texts are stored as they come from then on.
    if (it.lookups === DISTINCT_PROBE && it.count > DISTINCT_PROBE * 0.95) this.interners[col] = null
    return true
  }
}

/** The UTF-8 bytes of a file, chunk by chunk, read into one reused buffer where the platform allows. */
async function* fileChunks(blob: Blob, chunkBytes: number): AsyncGenerator<Uint8Array> {
  const stream = blob.stream()
  let byob: ReadableStreamBYOBReader | null = null
  try {
    byob = stream.getReader({ mode: 'byob' })
  } catch {
    byob = null
  }
  if (byob) {
    let buffer = new ArrayBuffer(chunkBytes)
    try {
      for (;;) {
        const { done, value } = await byob.read(new Uint8Array(buffer))
        if (done || !value) return
        buffer = value.buffer as ArrayBuffer
        yield value
      }
    } finally {
      await byob.cancel().catch(() => undefined)
    }
  }
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      for (let i = 0; i < value.length; i += chunkBytes) yield value.subarray(i, Math.min(value.length, i + chunkBytes))
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf]

function startsWithBom(b: Uint8Array, at: number): boolean {
  return b[at] === UTF8_BOM[0] && b[at + 1] === UTF8_BOM[1] && b[at + 2] === UTF8_BOM[2]
}

/** Whether the first lines the delimiter is guessed from are all in `text` (see detectDelimiter). */
function hasFirstLines(text: string): boolean {
  let lines = 0
  let inQuote = false
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 34) inQuote = !inQuote
    else if (!inQuote && (c === 10 || c === 13)) {
      if (i > start && ++lines >= 50) return true
      start = i + 1
    }
  }
  return false
}

export async function readCsv(blob: Blob, options: CsvOptions = {}): Promise<CsvResult> {
  const head = new Uint8Array(await blob.slice(0, 65536).arrayBuffer())
  const guess = detectEncoding(head)
  if (looksBinary(head, guess)) throw new FileError('not_a_spreadsheet', { detail: 'binary data' })
  if (options.encoding) return readChosen(blob, head, options.encoding, options)
  if (guess.encoding.startsWith('utf-16')) return readAs(blob, guess, options)
  // UTF-8 unless the bytes say otherwise; that is only known at the end, so read as UTF-8 and
  // start again as GBK/GB18030 if an invalid sequence turns up (Chinese Excel's "CSV").
  const bom = guess.encoding === 'utf-8' && guess.bom
  try {
    return await readAs(blob, { encoding: 'utf-8', bom, exact: true }, options)
  } catch (e) {
    if (!(e instanceof NotUtf8)) throw e
  }
  const gb = new StreamCheck('gb')
  for await (const chunk of fileChunks(blob, options.chunkBytes ?? 1 << 20)) if (!gb.push(chunk)) break
  const verdict = gb.end()
  const encoding: DetectedEncoding = verdict.valid ? { encoding: verdict.flavour, bom: false, exact: true } : { encoding: 'gb18030', bom: false, exact: false }
  return readAs(blob, encoding, options)
}

/**
 * Reads the file in the encoding the person chose. Never fails on bytes that do not fit: they
 * become U+FFFD and the result says it was not exact, so the person sees it and can choose again.
 */
async function readChosen(blob: Blob, head: Uint8Array, chosen: ChosenEncoding, options: CsvOptions): Promise<CsvResult> {
  if (chosen === 'utf-8') {
    // Read as if a BOM vouched for UTF-8: not strict, and checked for exactness on the way.
    const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf
    const r = await readAs(blob, { encoding: 'utf-8', bom: true, exact: true }, options)
    return { ...r, encoding: { ...r.encoding, bom } }
  }
  // UTF-16: the byte order its BOM (or its zero bytes) says, little-endian otherwise (Windows "Unicode text").
  const encoding: TextEncodingName = chosen === 'utf-16le' && ((head[0] === 0xfe && head[1] === 0xff) || detectEncoding(head).encoding === 'utf-16be') ? 'utf-16be' : chosen
  const exact = await decodesExactly(blob, encoding, options)
  return readAs(blob, { encoding, bom: false, exact }, options)
}

/** Whether the whole file decodes in `encoding` without a replacement character. */
async function decodesExactly(blob: Blob, encoding: TextEncodingName, options: CsvOptions): Promise<boolean> {
  const decoder = new TextDecoder(encoding, { fatal: true })
  try {
    for await (const chunk of fileChunks(blob, options.chunkBytes ?? 1 << 20)) decoder.decode(chunk, { stream: true })
    decoder.decode()
    return true
  } catch {
    return false
  }
}

/** Reads the file in `encoding`; for UTF-8 without a BOM, throws NotUtf8 at the first invalid byte. */
async function readAs(blob: Blob, encoding: DetectedEncoding, options: CsvOptions): Promise<CsvResult> {
  const chunkBytes = options.chunkBytes ?? 1 << 20
  const total = blob.size
  const utf8 = encoding.encoding === 'utf-8'
  // Without a BOM the parser's fatal decoder is the UTF-8 check; with one the file is UTF-8 by its
  // own word and read even if some bytes are not, so only whether it is exact is checked here.
  const strict = utf8 && !encoding.bom
  const check = utf8 && encoding.bom ? new StreamCheck('utf-8') : null
  const decoder = utf8 ? null : new TextDecoder(encoding.encoding as Exclude<TextEncodingName, 'utf-8'>)
  const encoder = utf8 ? null : new TextEncoder()
  const store = new CellStore(Math.min(1 << 20, Math.max(1024, Math.floor(total / 200))))
  let buf = new Uint8Array(Math.max(chunkBytes * 2, 1 << 16))
  let len = 0
  let pos = 0
  let read = 0
  let parser = null as CsvParser | null
  const maxRows = options.maxRows ?? Infinity
  const onRows = () => {
    if (options.isCancelled?.()) throw new Cancelled()
    options.onProgress?.({ done: read, total, rows: store.rowCount })
  }
  /** Room for `n` more bytes at the end of buf, dropping what is parsed. */
  const room = (n: number) => {
    if (len + n <= buf.length) return
    if (pos > 0) { buf.copyWithin(0, pos, len); len -= pos; pos = 0 }
    if (len + n > buf.length) {
      const next = new Uint8Array(Math.max(buf.length * 2, len + n))
      next.set(buf.subarray(0, len))
      buf = next
    }
  }
  // A row still incomplete after this many bytes is re-parsed only once the buffer has doubled,
  // so one enormous quoted cell is not scanned again for every chunk.
  let retryAt = 0
  const step = (final: boolean) => {
    if (!parser) {
      // The first rows decide the delimiter (and an Excel "sep=" line names it).
      let from = 0
      if (utf8) {
        if (startsWithBom(buf, 0)) from = 3
        if (startsWithBom(buf, from)) from += 3 // a second BOM is dropped too, as before
      }
      const prefix = new TextDecoder().decode(buf.subarray(from, len))
      if (!final && !hasFirstLines(prefix) && len < 8 * 1024 * 1024) return
      let delimiter: Delimiter
      const sep = /^sep=(.)\r?\n/.exec(prefix)
      if (sep && CANDIDATES.includes(sep[1] as Delimiter)) { delimiter = sep[1] as Delimiter; from += sep[0].length }
      else delimiter = detectDelimiter(prefix)
      parser = new CsvParser(store, delimiter.charCodeAt(0), maxRows, onRows, strict)
      pos = from
    }
    if (!final && len - pos > 1024 * 1024 && len < retryAt) return
    pos = parser.parse(buf, pos, len, final)
    retryAt = len - pos > 1024 * 1024 ? len + (len - pos) : 0
  }
  let leadingBomChecked = false
  for await (const chunk of fileChunks(blob, chunkBytes)) {
    if (options.isCancelled?.()) throw new Cancelled()
    read += chunk.length
    check?.push(chunk)
    if (utf8) {
      room(chunk.length)
      buf.set(chunk, len)
      len += chunk.length
    } else {
      let text = (decoder as TextDecoder).decode(chunk, { stream: true })
      if (!leadingBomChecked && text.length) {
        leadingBomChecked = true
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
      }
      room(text.length * 3)
      len += (encoder as TextEncoder).encodeInto(text, buf.subarray(len)).written
    }
    step(false)
    if (parser?.done) break
  }
  if (!parser?.done) {
    if (decoder) {
      const rest = decoder.decode()
      room(rest.length * 3)
      len += (encoder as TextEncoder).encodeInto(rest, buf.subarray(len)).written
    }
    step(true)
  }
  const result = check ? check.end() : null
  options.onProgress?.({ done: total, total, rows: store.rowCount })
  const delimiter = String.fromCharCode(parser?.delimiter ?? 44) as Delimiter
  return { store, encoding: result ? { ...encoding, exact: result.valid } : encoding, delimiter }
}
