/**
 * Reads the rows of a Feishu values answer (a `rows` line in which the server passed the answer on
 * as Feishu wrote it) straight from the line's bytes, cell by cell. Reading a big sheet, decoding
 * each ~1 MB slice, JSON.parse building its 150,000 values and then storing every cell (and the
 * garbage collector clearing up after) was most of the worker's time — and on a busy machine that
 * time is taken from the side of the wire that should bound the read: Feishu's.
 *
 * The line is walked as JSON: keys not on the way to answer.data.valueRange.values are skipped
 * whatever their order. Numbers are read from their digits (with the decimal places written), plain
 * text is decoded from its bytes, and anything else — text with escapes, rich text, mentions,
 * links — is handed to JSON.parse, so every cell reads exactly as JSON.parse would read it. Malformed
 * text throws SyntaxError.
 */
import { UNKNOWN_PLACES } from './cells'

/** What the walk hands out, row by row, each cell with its 0-based column. */
export interface ValuesSink {
  /** Row `index` of values (0-based) has at least one cell. */
  row(index: number): void
  number(col: number, value: number, places: number): void
  text(col: number, value: string): void
  /** null, true/false, or a cell written as an object or array (rich text …), parsed. */
  other(col: number, value: unknown): void
  /** The row's last cell was given. */
  endRow(): void
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const PREFIX = encoder.encode('{"type":"rows","start":')
const ANSWER_KEY = encoder.encode(',"answer":')
/** Exact powers of ten: an integer of ≤ 15 digits divided by one of them is the correctly rounded number. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i)
/** Plain ASCII text up to this many bytes is built from its char codes (cheaper than a decoder call). */
const SHORT_ASCII = 12

const QUOTE = 34
const BACKSLASH = 92
const COMMA = 44
const COLON = 58
const OPEN_BRACKET = 91
const CLOSE_BRACKET = 93
const OPEN_BRACE = 123
const CLOSE_BRACE = 125

function startsAt(b: Uint8Array, at: number, s: Uint8Array): boolean {
  if (at + s.length > b.length) return false
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s[i]) return false
  return true
}

/**
 * The `start` and the answer's first byte of a rows line in the server's form for passed-on
 * answers (`{"type":"rows","start":N,"answer":…}`), or null for any other line.
 */
export function answerLineHead(b: Uint8Array): { start: number; at: number } | null {
  if (!startsAt(b, 0, PREFIX)) return null
  let i = PREFIX.length
  let n = 0
  for (; i < b.length && i < PREFIX.length + 9; i++) {
    const c = b[i] as number
    if (c < 48 || c > 57) break
    n = n * 10 + (c - 48)
  }
  return i > PREFIX.length && startsAt(b, i, ANSWER_KEY) ? { start: n, at: i + ANSWER_KEY.length } : null
}

function fail(b: Uint8Array, at: number): never {
  throw new SyntaxError(`Unexpected ${at < b.length ? `byte ${b[at]}` : 'end'} in JSON at position ${at}`)
}

function ws(b: Uint8Array, pos: number): number {
  for (;;) {
    const c = b[pos]
    if (c === 32 || c === 10 || c === 13 || c === 9) pos++
    else return pos
  }
}

/** Set by stringEnd: whether the string had a backslash, and whether it had a byte over 127. */
let escaped = false
let wide = false

/** The index of the closing quote of the string whose opening quote is at `pos`. */
function stringEnd(b: Uint8Array, pos: number): number {
  escaped = false
  wide = false
  const len = b.length
  let i = pos + 1
  for (;;) {
    if (i >= len) fail(b, i)
    const c = b[i] as number
    if (c === QUOTE) return i
    if (c === BACKSLASH) { escaped = true; i += 2; continue }
    if (c < 32) fail(b, i)
    if (c > 127) wide = true
    i++
  }
}

/** The string between the quotes at `from` and `end`, as JSON.parse reads it (a fresh string, never a view of the line). */
function stringOf(b: Uint8Array, from: number, end: number): string {
  if (escaped) return JSON.parse(decoder.decode(b.subarray(from, end + 1))) as string
  const n = end - from - 1
  if (!wide && n <= SHORT_ASCII) {
    let s = ''
    for (let i = from + 1; i < end; i++) s += String.fromCharCode(b[i] as number)
    return s
  }
  return decoder.decode(b.subarray(from + 1, end))
}

/** The end of the value starting at `pos` (nested lists and objects matched bracket for bracket). */
function valueEnd(b: Uint8Array, pos: number): number {
  const c = b[pos]
  if (c === QUOTE) return stringEnd(b, pos) + 1
  const len = b.length
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0
    for (;;) {
      if (pos >= len) fail(b, pos)
      const d = b[pos]
      if (d === QUOTE) { pos = stringEnd(b, pos) + 1; continue }
      if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++
      else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) { if (--depth === 0) return pos + 1 }
      pos++
    }
  }
  const from = pos
  while (pos < len) {
    const d = b[pos]
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || d === 32 || d === 10 || d === 13 || d === 9) break
    pos++
  }
  if (pos === from) fail(b, pos)
  return pos
}

/** The value from `from` to `end` as JSON.parse reads it (its form checked there too). */
const parsed = (b: Uint8Array, from: number, end: number): unknown => JSON.parse(decoder.decode(b.subarray(from, end)))

/** Decimal places of the number's shortest text (as the file readers record them), without building the text in the usual case. */
export function placesOf(n: number): number {
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? 0 : UNKNOWN_PLACES
  for (let p = 1; p <= 6; p++) {
    const k = POW10[p] as number
    if (Math.round(n * k) / k === n) return p
  }
  const s = String(n)
  if (/e/i.test(s)) return UNKNOWN_PLACES
  const dot = s.indexOf('.')
  return dot < 0 ? 0 : s.length - dot - 1
}

/**
 * The number at `pos` given to the sink; returns where it ends. Read from its digits when that is
 * exact (≤ 15 digits, no exponent); by JSON.parse otherwise.
 */
function number(b: Uint8Array, pos: number, col: number, sink: ValuesSink): number {
  const from = pos
  let neg = false
  if (b[pos] === 45) { neg = true; pos++ }
  let m = 0
  let digits = 0
  let c = b[pos] as number
  if (c === 48) { pos++; digits++ } else if (c >= 49 && c <= 57) {
    do { m = m * 10 + (c - 48); digits++; c = b[++pos] as number } while (c >= 48 && c <= 57)
  } else fail(b, pos)
  let frac = 0
  let places = 0
  c = b[pos] as number
  if (c === 46) {
    c = b[++pos] as number
    if (!(c >= 48 && c <= 57)) fail(b, pos)
    do {
      m = m * 10 + (c - 48); digits++; frac++
      if (c !== 48) places = frac
      c = b[++pos] as number
    } while (c >= 48 && c <= 57)
  }
  if (c === 101 || c === 69 || digits > 15) {
    const end = valueEnd(b, from)
    const n = parsed(b, from, end) as number
    sink.number(col, n, placesOf(n))
    return end
  }
  const n = m / (POW10[frac] as number)
  sink.number(col, neg ? -n : n, places)
  return pos
}

/** The list of rows at `pos` given to the sink; returns where it ends. */
function rows(b: Uint8Array, pos: number, sink: ValuesSink): number {
  if (b[pos] !== OPEN_BRACKET) { const end = valueEnd(b, pos); parsed(b, pos, end); return end }
  pos = ws(b, pos + 1)
  if (b[pos] === CLOSE_BRACKET) return pos + 1
  for (let index = 0; ; index++) {
    pos = ws(b, pos)
    if (b[pos] === OPEN_BRACKET) {
      pos = ws(b, pos + 1)
      if (b[pos] === CLOSE_BRACKET) pos++
      else {
        sink.row(index)
        for (let col = 0; ; col++) {
          let c = b[pos] as number
          if (c <= 32) { pos = ws(b, pos); c = b[pos] as number }
          if (c === QUOTE) {
            const end = stringEnd(b, pos)
            sink.text(col, stringOf(b, pos, end))
            pos = end + 1
          } else if (c === 45 || (c >= 48 && c <= 57)) pos = number(b, pos, col, sink)
          else if (c === 110 && b[pos + 1] === 117 && b[pos + 2] === 108 && b[pos + 3] === 108) { sink.other(col, null); pos += 4 }
          else {
            const end = valueEnd(b, pos)
            sink.other(col, parsed(b, pos, end))
            pos = end
          }
          let d = b[pos++]
          if (d === COMMA) continue
          if (d === CLOSE_BRACKET) break
          pos = ws(b, pos - 1)
          d = b[pos++]
          if (d === CLOSE_BRACKET) break
          if (d !== COMMA) fail(b, pos - 1)
        }
        sink.endRow()
      }
    } else {
      // A row that is not a list holds no cells (JSON.parse's reading skipped it too).
      const end = valueEnd(b, pos)
      parsed(b, pos, end)
      pos = end
    }
    pos = ws(b, pos)
    const d = b[pos++]
    if (d === CLOSE_BRACKET) return pos
    if (d !== COMMA) fail(b, pos - 1)
  }
}

/**
 * The object at `pos`, key by key: `onKey(key, at)` reads the key's value and returns where it
 * ends, or returns -1 to have it skipped. A value that is not an object is checked and passed over.
 */
function object(b: Uint8Array, pos: number, onKey: (key: string, at: number) => number): number {
  pos = ws(b, pos)
  if (b[pos] !== OPEN_BRACE) { const end = valueEnd(b, pos); parsed(b, pos, end); return end }
  pos = ws(b, pos + 1)
  if (b[pos] === CLOSE_BRACE) return pos + 1
  for (;;) {
    pos = ws(b, pos)
    if (b[pos] !== QUOTE) fail(b, pos)
    const keyEnd = stringEnd(b, pos)
    const key = stringOf(b, pos, keyEnd)
    pos = ws(b, keyEnd + 1)
    if (b[pos] !== COLON) fail(b, pos)
    pos = ws(b, pos + 1)
    const read = onKey(key, pos)
    if (read >= 0) pos = read
    else { const end = valueEnd(b, pos); parsed(b, pos, end); pos = end }
    pos = ws(b, pos)
    const c = b[pos++]
    if (c === CLOSE_BRACE) return pos
    if (c !== COMMA) fail(b, pos - 1)
  }
}

/** The answer object at `at`, its rows given to `sink`; returns where it ends. */
function answer(b: Uint8Array, at: number, sink: ValuesSink): number {
  return object(b, at, (key, p) => key !== 'data' ? -1 : object(b, p, (k, q) => k !== 'valueRange' ? -1 : object(b, q, (k2, r) => (k2 !== 'values' ? -1 : rows(b, r, sink)))))
}

/**
 * Walks a line answerLineHead accepted (`at`: the answer's first byte), giving the answer's rows to
 * `sink`. The rest of the answer (its code, msg, range) is checked for form and passed over.
 */
export function scanAnswerLine(b: Uint8Array, at: number, sink: ValuesSink): void {
  let pos = ws(b, answer(b, at, sink))
  if (b[pos] !== CLOSE_BRACE) fail(b, pos)
  pos = ws(b, pos + 1)
  if (pos !== b.length) fail(b, pos)
}

/** Ends a walk once enough rows were read (thrown by the sink, caught below). */
class Enough extends Error {}

/**
 * The first `limit` rows of a values answer (Feishu's bytes as they came) as JSON.parse reads them,
 * without reading the rest: rows with no cells are empty lists, as the answer has them.
 */
export function firstRowsOf(b: Uint8Array, limit: number): unknown[][] {
  const out: unknown[][] = []
  let cells: unknown[] = []
  const put = (col: number, v: unknown) => { cells[col] = v }
  const sink: ValuesSink = {
    row(index) {
      if (index >= limit) throw new Enough()
      while (out.length < index) out.push([])
      cells = []
      out.push(cells)
    },
    number: put,
    text: put,
    other: put,
    endRow() { /* the row is in `out` */ },
  }
  try {
    const pos = ws(b, answer(b, ws(b, 0), sink))
    if (pos !== b.length) fail(b, pos)
  } catch (e) {
    if (!(e instanceof Enough)) throw e
  }
  return out
}
