/**
 * Some writers (the .NET Open XML SDK and tools built on it) put SpreadsheetML in a namespace
 * prefix: `<x:worksheet xmlns:x="…/spreadsheetml/2006/main"><x:sheetData><x:row><x:c>…`. The sheet
 * and shared-string scanners look for `<row`, `<c`, `<si` … as bytes, so such a part is read
 * through this filter, which drops that one prefix from element names (`<x:c` → `<c`, `</x:c>` →
 * `</c>`). Other prefixes (mc:, x14ac:, r:) are left alone, and a part without a prefix on its root
 * element passes through untouched, byte for byte and without a copy.
 */

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const LT = 0x3c
const SLASH = 0x2f
const COLON = 0x3a
/** The root element is within the first few KB of any part (after the XML declaration). */
const HEAD_LIMIT = 16 * 1024

export class PrefixFilter {
  /** null: not known yet; '' : no prefix (pass through); else the prefix's bytes. */
  private prefix: Uint8Array | null = null
  private head: Uint8Array = new Uint8Array(0)
  private held: Uint8Array = new Uint8Array(0)

  /** The part's next bytes, as the scanners should see them (possibly empty while undecided). */
  push(chunk: Uint8Array): Uint8Array {
    if (this.prefix === null) {
      const head = concat(this.head, chunk)
      const found = rootPrefix(head)
      if (found === undefined && head.length < HEAD_LIMIT) { this.head = head; return new Uint8Array(0) }
      this.head = new Uint8Array(0)
      this.prefix = found ? new TextEncoder().encode(found) : new Uint8Array(0)
      return this.strip(head)
    }
    return this.strip(chunk)
  }

  /** What is still held back at the end of the part. */
  flush(): Uint8Array {
    const rest = this.prefix === null ? this.head : this.held
    this.head = new Uint8Array(0)
    this.held = new Uint8Array(0)
    if (this.prefix === null) this.prefix = new Uint8Array(0)
    return rest
  }

  private strip(chunk: Uint8Array): Uint8Array {
    const p = this.prefix as Uint8Array
    if (p.length === 0) return chunk
    const buf = this.held.length ? concat(this.held, chunk) : chunk
    this.held = new Uint8Array(0)
    const out = new Uint8Array(buf.length)
    let o = 0
    let i = 0
    const n = buf.length
    while (i < n) {
      const lt = buf.indexOf(LT, i)
      if (lt < 0) { out.set(buf.subarray(i, n), o); o += n - i; break }
      out.set(buf.subarray(i, lt + 1), o)
      o += lt + 1 - i
      let j = lt + 1
      if (j < n && buf[j] === SLASH) { out[o++] = SLASH; j++ }
      // Not enough bytes to tell whether the prefix follows: keep them for the next chunk.
      if (n - j < p.length + 1) {
        const rest = buf.subarray(j, n)
        if (startsLike(rest, p)) {
          o -= j - lt // the "<" (and "/") go back with the held bytes
          this.held = buf.slice(lt, n)
          break
        }
      } else if (buf[j + p.length] === COLON && startsLike(buf.subarray(j, j + p.length), p)) j += p.length + 1
      i = j
    }
    return out.subarray(0, o)
  }
}

function startsLike(bytes: Uint8Array, prefix: Uint8Array): boolean {
  const m = Math.min(bytes.length, prefix.length)
  for (let k = 0; k < m; k++) if (bytes[k] !== prefix[k]) return false
  // "<x" then the end of the chunk could still be "<x:"; "<x:" is also a match.
  return bytes.length <= prefix.length || bytes[prefix.length] === COLON
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

/**
 * The prefix the root element's name carries when it is bound to SpreadsheetML ('' when the root
 * has none or another namespace), or undefined when the root's start tag is not complete yet.
 */
function rootPrefix(head: Uint8Array): string | undefined {
  const text = new TextDecoder('latin1').decode(head.subarray(0, HEAD_LIMIT))
  const re = /<([^?!\s/>][^\s/>]*)([^>]*)>/g
  const m = re.exec(text)
  if (!m) return undefined
  const name = m[1] as string
  const colon = name.indexOf(':')
  if (colon < 0) return ''
  const prefix = name.slice(0, colon)
  const declared = new RegExp(`xmlns:${prefix.replace(/[.-]/g, '\\$&')}\\s*=\\s*["']([^"']*)["']`).exec(m[2] as string)
  return declared && declared[1] === MAIN_NS ? prefix : ''
}
