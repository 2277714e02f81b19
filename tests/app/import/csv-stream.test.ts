// @vitest-environment node
// The streaming CSV reader (chunks, bytes, interned strings) against the whole-text parser it
// replaced, kept here as the reference: same cells, sheet rows, encoding and delimiter for
// generated files, whatever the chunk size cuts (rows, quoted fields, CRLF, UTF-8 sequences).
import { describe, expect, it } from 'vitest'
import type { CellValue } from '../../../src/domain/target'
import { CellStore, Tag } from '../../../src/import/cells'
import { readCsv, detectDelimiter, type Delimiter } from '../../../src/import/csv-read'
import { decodeText, detectEncoding } from '../../../src/import/encoding'
import { FileError, LIMITS } from '../../../src/import/errors'
import { columnName } from '../../../src/import/xml'
import { encodeGb, encodeUtf16, utf8 } from './fixtures/encode'
import { blobOf } from './harness'

// ------------------------------------------------------------ the previous reader (reference)

const CANDIDATES: Delimiter[] = [',', '\t', ';', '|']
const NUMERIC_START = /^-?\d/

function referenceRead(bytes: Uint8Array) {
  const encoding = detectEncoding(bytes)
  let text = decodeText(bytes, encoding)
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  let delimiter: Delimiter
  const sep = /^sep=(.)\r?\n/.exec(text)
  if (sep && CANDIDATES.includes(sep[1] as Delimiter)) { delimiter = sep[1] as Delimiter; text = text.slice(sep[0].length) }
  else delimiter = detectDelimiter(text)
  return { store: referenceParse(text, delimiter), encoding, delimiter }
}

function referenceParse(text: string, delimiter: Delimiter): CellStore {
  const n = text.length
  const store = new CellStore(1024)
  const d = delimiter.charCodeAt(0)
  let i = 0
  let line = 1
  while (i < n) {
    const row = store.addRow(line)
    let col = 0
    let hasValue = false
    for (;;) {
      let value: string
      if (text.charCodeAt(i) === 34) {
        let out = ''
        let from = i + 1
        for (;;) {
          const q = text.indexOf('"', from)
          if (q < 0) { out += text.slice(from); i = n; break }
          if (text.charCodeAt(q + 1) === 34) { out += text.slice(from, q + 1); from = q + 2; continue }
          out += text.slice(from, q)
          i = q + 1
          break
        }
        let j = i
        while (j < n) { const c = text.charCodeAt(j); if (c === d || c === 10 || c === 13) break; j++ }
        if (j > i) out += text.slice(i, j)
        for (let k = 0; k < out.length; k++) if (out.charCodeAt(k) === 10) line++
        i = j
        value = out
      } else {
        let j = i
        while (j < n) { const c = text.charCodeAt(j); if (c === d || c === 10 || c === 13) break; j++ }
        value = text.slice(i, j)
        i = j
      }
      if (value !== '') {
        if (value.length > LIMITS.maxCellChars) throw new FileError('cell_too_large', { cell: `${columnName(col)}${line}`, limit: LIMITS.maxCellChars })
        hasValue = true
        if (value.length <= 15 && NUMERIC_START.test(value)) {
          const num = Number(value)
          if (String(num) === value) store.set(row, col, Tag.NumericText, num)
          else store.set(row, col, Tag.String, store.addString(value))
        } else store.set(row, col, Tag.String, store.addString(value))
      }
      const c = text.charCodeAt(i)
      if (c === d) { i++; col++; continue }
      if (c === 13 && text.charCodeAt(i + 1) === 10) i += 2
      else if (i < n) i++
      line++
      break
    }
    if (!hasValue) store.dropLastRow()
  }
  return store
}

// ------------------------------------------------------------ comparison

function dump(store: CellStore): Array<[number, Array<[number, CellValue]>]> {
  const out: Array<[number, Array<[number, CellValue]>]> = []
  for (let r = 0; r < store.rowCount; r++) {
    const cells: Array<[number, CellValue]> = []
    for (let c = 0; c < store.columnCount; c++) {
      const tag = store.tag(r, c)
      if (tag !== Tag.Empty) cells.push([tag, store.getRaw(r, c)])
    }
    out.push([store.sheetRows[r] as number, cells])
  }
  return out
}

async function same(bytes: Uint8Array, chunkSizes = [1, 2, 3, 5, 7, 64, 1000, 1 << 20]) {
  const want = referenceRead(bytes)
  for (const chunkBytes of chunkSizes) {
    const got = await readCsv(blobOf(bytes), { chunkBytes })
    expect(got.encoding, `chunk ${chunkBytes}`).toEqual(want.encoding)
    expect(got.delimiter, `chunk ${chunkBytes}`).toBe(want.delimiter)
    expect(dump(got.store), `chunk ${chunkBytes}`).toEqual(dump(want.store))
  }
}

function prng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let x = s
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const FIELDS = [
  '', '0', '-0', '00', '007', '1', '-1', '12.5', '12.50', '1.', '.5', '0.5', '-0.5', '1e5', '0x1F', '1,234', '123456789012345', '1234567890123456',
  '0.000001', '0.0000001', '-0.000001', '99999999999999.9', '3.14159265358979', '45292', '2024-01', '2024-01-05', '张三', '王伟', '研发一部',
  '加班补贴（含税）', '😀表情', 'TRUE', ' spaced ', 'a"b', '"quoted"', '"say ""hi"""', '"multi\nline"', '"cr\rinside"', '"crlf\r\ninside"',
  '"12"', '"007"', '"a,b"', '"x"tail', '""', '"unterminated', '第338号备注：本月调整含加班补贴与交通补贴，已核对考勤记录',
]

function generateCsv(seed: number, rows: number, delimiter = ','): string {
  const rnd = prng(seed)
  const ends = ['\n', '\r\n', '\r']
  const out: string[] = []
  for (let r = 0; r < rows; r++) {
    const cols = 1 + Math.floor(rnd() * 6)
    const cells: string[] = []
    for (let c = 0; c < cols; c++) {
      let f = FIELDS[Math.floor(rnd() * FIELDS.length)] as string
      if (f === '"unterminated' && r < rows - 1) f = 'x'
      cells.push(f.replace(/,/g, delimiter === ',' ? ',' : delimiter))
    }
    out.push(cells.join(delimiter) + (rnd() < 0.1 ? '' : ends[Math.floor(rnd() * 3)]))
    if (rnd() < 0.05) out.push('\n') // blank line
  }
  return out.join('')
}

describe('the streaming CSV reader gives what the whole-text reader gave', () => {
  it('for generated files (quotes, line breaks in quotes, CR/LF/CRLF, numbers, blank lines), cut into chunks of any size', async () => {
    for (let seed = 1; seed <= 12; seed++) await same(utf8(generateCsv(seed, 80), seed % 2 === 0))
  })

  it('with other delimiters, an Excel "sep=" line and a double BOM', async () => {
    await same(utf8(generateCsv(21, 80, ';')))
    await same(utf8(generateCsv(22, 80, '\t')))
    await same(utf8('sep=|\n' + generateCsv(23, 60, '|')))
    await same(utf8('\ufeff' + generateCsv(24, 30), true))
  })

  it('in GBK, GB18030 and UTF-16', async () => {
    const text = generateCsv(31, 60).replace(/😀/g, '')
    await same(encodeGb(text, false), [1, 3, 64, 1 << 20])
    await same(encodeGb(text.replace(/张三/g, '张㐀𠀀'), true), [1, 3, 64, 1 << 20])
    for (const [le, bom] of [[true, true], [false, true], [true, false]] as const) await same(encodeUtf16(text, le, bom), [1, 3, 64, 1 << 20])
  })

  it('for broken UTF-8, with a BOM (kept as UTF-8, inexact) and without (read as GB18030)', async () => {
    const broken = new Uint8Array([...utf8('a,b\n1,张三\n'), 0xff, 0x80, 0x2c, 0x31, 0x0a])
    await same(broken)
    await same(new Uint8Array([0xef, 0xbb, 0xbf, ...broken]))
    // The UTF-8 check is the parser's own decoding of each distinct text: invalid bytes far into the
    // file, inside a quoted field, or a sequence cut off by the end of the file are still caught.
    const valid = utf8(Array.from({ length: 3000 }, (_, i) => `${i},张三${i % 5}`).join('\n') + '\n')
    await same(new Uint8Array([...valid, 0x22, 0xd5, 0xc5, 0x2c, 0x22, 0x2c, 0x31, 0x0a]), [7, 4096, 1 << 20])
    const cut = utf8('a,b\n1,张三')
    await same(cut.subarray(0, cut.length - 1), [1, 2, 1 << 20])
  })

  it('with more than 50 lines before the delimiter is clear, and over many chunks', async () => {
    const text = Array.from({ length: 3000 }, (_, i) => `${String(i).padStart(6, '0')};${i % 7 === 0 ? '"a;b\nc"' : i / 8};名${i % 13}`).join('\r\n')
    await same(utf8(text), [1, 4096, 1 << 20])
  })

  it('stores each distinct text once', async () => {
    const text = 'dept,n\n' + Array.from({ length: 1000 }, (_, i) => `${['财务部', '研发一部', '"销售,部"'][i % 3]},${i}`).join('\n')
    const { store } = await readCsv(blobOf(utf8(text)), { chunkBytes: 100 })
    expect(store.strings.length).toBe(5) // dept, n, and the three departments
    expect(store.get(3, 0)).toBe('销售,部')
  })
})
