/**
 * The one number parser of the readers (xlsx cells, CSV fields): ASCII bytes → value and decimal
 * places. The places go with the value into the CellStore, where validation uses them to pass whole
 * runs of numbers that need no rounding. The result lands in a reader-owned object instead of a
 * module-level variable, so two readers (or two sheets) can never see each other's last number.
 */
import { UNKNOWN_PLACES } from './cells'

/** What parseAsciiNumber / canonicalNumber found: the value, and its decimal places (UNKNOWN_PLACES when not read exactly). */
export class ScannedNumber {
  value = 0
  places = 0
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i)
const latin1 = new TextDecoder('latin1')

/**
 * A number as stored in .xlsx (<v>): exact for ≤ 15 digits without exponent, else via parseFloat
 * (places unknown). Sets out.value (NaN when there is no number) and out.places.
 */
export function parseAsciiNumber(buf: Uint8Array, start: number, end: number, out: ScannedNumber): void {
  out.places = UNKNOWN_PLACES
  let i = start
  let neg = false
  if (buf[i] === 45) { neg = true; i++ }
  let mant = 0
  let digits = 0
  let frac = -1
  for (; i < end; i++) {
    const b = buf[i] as number
    if (b >= 48 && b <= 57) { mant = mant * 10 + (b - 48); digits++; if (frac >= 0) frac++ }
    else if (b === 46 && frac < 0) frac = 0
    else { out.value = parseFloat(latin1.decode(buf.subarray(start, end))); return }
  }
  if (digits === 0) { out.value = NaN; return }
  if (digits > 15) { out.value = parseFloat(latin1.decode(buf.subarray(start, end))); return }
  const v = frac > 0 ? mant / (POW10[frac] as number) : mant
  out.places = frac > 0 ? frac : 0
  out.value = neg ? -v : v
}

/**
 * For CSV: the number a field holds when String(Number(text)) === text (so it can be stored as a
 * number and read back as the same text), else NaN in out.value. Fields of ≤ 15 characters only:
 * then the digits are the shortest round-trip form, and mantissa / 10^k is exactly Number(text).
 */
export function canonicalNumber(b: Uint8Array, start: number, end: number, out: ScannedNumber): void {
  const len = end - start
  out.value = NaN
  if (len === 0 || len > 15) return
  let i = start
  if (b[i] === 45) i++
  let mant = 0
  let frac = -1
  for (; i < end; i++) {
    const c = b[i] as number
    if (c >= 48 && c <= 57) { mant = mant * 10 + (c - 48); if (frac >= 0) frac++ }
    else if (c === 46 && frac < 0) frac = 0
    else return
  }
  canonicalScanned(b, start, end, mant, frac, out)
}

/**
 * canonicalNumber for a field already scanned: b[start..end) is an optional '-' then digits with
 * at most one '.', `mant` the digits as an integer and `frac` the digits after the '.' (-1: none).
 */
export function canonicalScanned(b: Uint8Array, start: number, end: number, mant: number, frac: number, out: ScannedNumber): void {
  out.value = NaN
  if (end - start > 15) return
  let i = start
  const neg = b[i] === 45
  if (neg) i++
  if (i >= end) return
  const first = b[i] as number
  if (first < 48 || first > 57) return
  // No leading zeros: "0" and "0.5" are canonical, "007" and "00.5" are not.
  if (first === 48 && i + 1 < end && b[i + 1] !== 46) return
  if (frac === 0) return // "1."
  if (frac > 0 && b[end - 1] === 48) return // "1.50"
  const v = frac > 0 ? mant / (POW10[frac] as number) : mant
  if (v === 0) { if (!neg) { out.value = 0; out.places = 0 } return } // "-0" reads back as "0"
  if (v < 1e-6) return // String() writes 1e-7
  out.places = frac > 0 ? frac : 0
  out.value = neg ? -v : v
}
