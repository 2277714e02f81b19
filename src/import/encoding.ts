/**
 * Which text encoding a CSV/TXT export uses. Chinese Excel and WPS save "CSV" as GBK (code page
 * 936) unless told otherwise; other tools write UTF-8 with or without a BOM, or UTF-16 ("Unicode
 * text"). Nobody in the importer landscape guesses this (importer-anchors.md §b), so people get
 * mojibake. Order: BOM, UTF-16 zero-byte pattern, strict UTF-8, then GBK/GB18030.
 */

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gbk' | 'gb18030'

export interface DetectedEncoding {
  encoding: TextEncodingName
  bom: boolean
  /** false when the bytes were not fully valid in the chosen encoding (some characters may be replaced). */
  exact: boolean
}

/** Strict UTF-8 check (no overlongs, no surrogates), with an ASCII fast path. */
export function isValidUtf8(b: Uint8Array, start = 0): boolean {
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
    else return false
    if (i + need >= n) return false
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07)
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k]
      if (cc === undefined || (cc & 0xc0) !== 0x80) return false
      cp = (cp << 6) | (cc & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false
    i += need + 1
  }
  return true
}

/** GBK / GB18030 structure check: 'gbk' if only 2-byte sequences, 'gb18030' if 4-byte ones occur, null if invalid. */
export function gbFlavour(b: Uint8Array): 'gbk' | 'gb18030' | null {
  let four = false
  const n = b.length
  let i = 0
  while (i < n) {
    const c = b[i] as number
    if (c < 0x80) { i++; continue }
    if (c === 0x80 || c === 0xff) return null
    const c2 = b[i + 1]
    if (c2 === undefined) return null
    if ((c2 >= 0x40 && c2 <= 0x7e) || (c2 >= 0x80 && c2 <= 0xfe)) { i += 2; continue }
    if (c2 >= 0x30 && c2 <= 0x39) {
      const c3 = b[i + 2]
      const c4 = b[i + 3]
      if (c3 === undefined || c4 === undefined || c3 < 0x81 || c3 > 0xfe || c4 < 0x30 || c4 > 0x39) return null
      four = true
      i += 4
      continue
    }
    return null
  }
  return four ? 'gb18030' : 'gbk'
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
