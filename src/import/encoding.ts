/**
 * Which text encoding a CSV/TXT export uses. Chinese Excel and WPS save "CSV" as GBK (code page
 * 936) unless told otherwise; other tools write UTF-8 with or without a BOM, or UTF-16 ("Unicode
 * text"). Nobody in the importer landscape guesses this (importer-anchors.md §b), so people get
 * mojibake. Order: BOM, UTF-16 zero-byte pattern, strict UTF-8, then GBK/GB18030.
 */

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gbk' | 'gb18030' | 'big5'

/** The encodings a person can choose to read a CSV again in (WPS re-saves change encodings silently). */
export const CHOOSABLE_ENCODINGS = ['utf-8', 'gb18030', 'utf-16le', 'big5'] as const
export type ChosenEncoding = (typeof CHOOSABLE_ENCODINGS)[number]

export interface DetectedEncoding {
  encoding: TextEncodingName
  bom: boolean
  /** false when the bytes were not fully valid in the chosen encoding (some characters may be replaced). */
  exact: boolean
}

/** Strict UTF-8 check (no overlongs, no surrogates), with an ASCII fast path. */
export function isValidUtf8(b: Uint8Array, start = 0): boolean {
  return utf8ValidUpTo(b, start) === b.length
}

/**
 * How far b[start..] is valid UTF-8: b.length when all of it is, the start of a sequence cut off
 * by the end of b when only that is missing, or -1 when the bytes are invalid.
 */
function utf8ValidUpTo(b: Uint8Array, start: number): number {
  const n = b.length
  let i = start
  while (i < n) {
    const c = b[i] as number
    if (c < 0x80) { i++; continue }
    let need: number
    let min: number
    if (c >= 0xc2 && c <= 0xdf) { need = 1; min = 0x80 }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; min = 0x800 }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; min = 0x10000 }
    else return -1
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07)
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k]
      if (cc === undefined) return i
      if ((cc & 0xc0) !== 0x80) return -1
      cp = (cp << 6) | (cc & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1
    i += need + 1
  }
  return n
}

/** GBK / GB18030 structure check: 'gbk' if only 2-byte sequences, 'gb18030' if 4-byte ones occur, null if invalid. */
export function gbFlavour(b: Uint8Array): 'gbk' | 'gb18030' | null {
  const r = gbValidUpTo(b, 0)
  return r.upTo !== b.length ? null : r.four ? 'gb18030' : 'gbk'
}

/** Like utf8ValidUpTo for GBK/GB18030; `four` = a 4-byte sequence was seen. */
function gbValidUpTo(b: Uint8Array, start: number): { upTo: number; four: boolean } {
  let four = false
  const n = b.length
  let i = start
  while (i < n) {
    const c = b[i] as number
    if (c < 0x80) { i++; continue }
    if (c === 0x80 || c === 0xff) return { upTo: -1, four }
    const c2 = b[i + 1]
    if (c2 === undefined) return { upTo: i, four }
    if ((c2 >= 0x40 && c2 <= 0x7e) || (c2 >= 0x80 && c2 <= 0xfe)) { i += 2; continue }
    if (c2 >= 0x30 && c2 <= 0x39) {
      const c3 = b[i + 2]
      const c4 = b[i + 3]
      if (c3 === undefined || (c4 === undefined && c3 >= 0x81 && c3 <= 0xfe)) return { upTo: i, four }
      if (c4 === undefined || c3 < 0x81 || c3 > 0xfe || c4 < 0x30 || c4 > 0x39) return { upTo: -1, four }
      four = true
      i += 4
      continue
    }
    return { upTo: -1, four }
  }
  return { upTo: n, four }
}

/**
 * isValidUtf8 / gbFlavour over a file that arrives in chunks (a sequence may be cut between two
 * chunks): push every chunk, then `end()` gives the verdict for the whole file.
 */
export class StreamCheck {
  private carry = new Uint8Array(0)
  private bad = false
  private four = false
  constructor(private readonly kind: 'utf-8' | 'gb') {}

  /** false once the bytes so far are known to be invalid. */
  push(chunk: Uint8Array): boolean {
    if (this.bad) return false
    let from = 0
    // Finish the sequence the previous chunk cut off, byte by byte (it is at most 4 bytes long).
    while (this.carry.length && from < chunk.length) {
      const next = new Uint8Array(this.carry.length + 1)
      next.set(this.carry)
      next[this.carry.length] = chunk[from++] as number
      const upTo = this.check(next, 0)
      if (upTo < 0) { this.bad = true; return false }
      this.carry = upTo === next.length ? new Uint8Array(0) : next
    }
    if (this.carry.length) return true
    const upTo = this.check(chunk, from)
    if (upTo < 0) { this.bad = true; return false }
    this.carry = chunk.slice(upTo)
    return true
  }

  private check(b: Uint8Array, from: number): number {
    if (this.kind === 'utf-8') return utf8ValidUpTo(b, from)
    const r = gbValidUpTo(b, from)
    if (r.four) this.four = true
    return r.upTo
  }

  /** Whether the whole file was valid; for 'gb', which flavour. */
  end(): { valid: boolean; flavour: 'gbk' | 'gb18030' } {
    return { valid: !this.bad && this.carry.length === 0, flavour: this.four ? 'gb18030' : 'gbk' }
  }
}

function utf16Guess(b: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(b.length, 8192) & ~1
  if (n < 4) return null
  let evenZero = 0
  let oddZero = 0
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenZero++
    if (b[i + 1] === 0) oddZero++
  }
  const pairs = n / 2
  // ASCII-heavy UTF-16 text has a zero in one byte of most pairs and almost never in the other.
  if (oddZero > pairs * 0.3 && evenZero < pairs * 0.05) return 'utf-16le'
  if (evenZero > pairs * 0.3 && oddZero < pairs * 0.05) return 'utf-16be'
  return null
}

export function detectEncoding(b: Uint8Array): DetectedEncoding {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', bom: true, exact: isValidUtf8(b, 3) }
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', bom: true, exact: true }
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', bom: true, exact: true }
  const u16 = utf16Guess(b)
  if (u16) return { encoding: u16, bom: false, exact: true }
  if (isValidUtf8(b)) return { encoding: 'utf-8', bom: false, exact: true }
  const gb = gbFlavour(b)
  if (gb) return { encoding: gb, bom: false, exact: true }
  // Mostly valid UTF-8 with a few broken bytes is more likely than broken GBK: pick by a sample.
  return { encoding: 'gb18030', bom: false, exact: false }
}

/** Decodes with the detected encoding; the BOM is removed (PapaParse leaves it in the first header). */
export function decodeText(b: Uint8Array, detected: DetectedEncoding): string {
  return new TextDecoder(detected.encoding).decode(b)
}
