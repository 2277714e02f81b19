// @vitest-environment node
// Runs in Node: the readers use Blob streams and DecompressionStream as in a worker.
import { describe, expect, it } from 'vitest'
import { detectDelimiter } from '../../../src/import/csv-read'
import { detectEncoding } from '../../../src/import/encoding'
import { encodeGb, encodeUtf16, utf8 } from './fixtures/encode'
import { readCsvRows } from './harness'

const TEXT = '工号,姓名,备注\r\n000123,张三,加班补贴（含税）\r\n000456,李四,"逗号,在引号里"\r\n'
const ROWS = [['工号', '姓名', '备注'], ['000123', '张三', '加班补贴（含税）'], ['000456', '李四', '逗号,在引号里']]

describe('CSV encodings are detected without asking', () => {
  it('GBK, as Chinese Excel and WPS save "CSV"', async () => {
    const bytes = encodeGb(TEXT, false)
    expect(new TextDecoder('gbk').decode(bytes)).toBe(TEXT) // the fixture itself is right
    const r = await readCsvRows(bytes)
    expect(r.encoding.encoding).toBe('gbk')
    expect(r.rows).toEqual(ROWS)
  })

  it('GB18030 with characters outside GBK (CJK extension A and B)', async () => {
    const text = TEXT.replace('张三', '张㐀𠀀')
    const bytes = encodeGb(text, true)
    expect(new TextDecoder('gb18030').decode(bytes)).toBe(text)
    const r = await readCsvRows(bytes)
    expect(r.encoding.encoding).toBe('gb18030')
    expect(r.rows[1]?.[1]).toBe('张㐀𠀀')
  })

  it('UTF-8 with a BOM (the BOM does not end up in the first header) and without', async () => {
    for (const bom of [true, false]) {
      const r = await readCsvRows(utf8(TEXT, bom))
      expect(r.encoding).toMatchObject({ encoding: 'utf-8', bom })
      expect(r.rows).toEqual(ROWS)
      expect(String(r.rows[0]?.[0]).charCodeAt(0)).not.toBe(0xfeff)
    }
  })

  it('UTF-16 little and big endian, with a BOM, and little endian without one', async () => {
    for (const [le, bom, name] of [[true, true, 'utf-16le'], [false, true, 'utf-16be'], [true, false, 'utf-16le']] as const) {
      const r = await readCsvRows(encodeUtf16(TEXT.replace(/,/g, '\t').replace('"逗号\tin引号里"', '逗号'), le, bom))
      expect(r.encoding.encoding, name).toBe(name)
      expect(r.delimiter).toBe('\t')
      expect(r.rows[1]).toEqual(['000123', '张三', '加班补贴（含税）'])
    }
  })

  it('plain ASCII is UTF-8; broken bytes are flagged as inexact rather than guessed silently', () => {
    expect(detectEncoding(utf8('a,b\n1,2\n')).encoding).toBe('utf-8')
    const broken = new Uint8Array([0x61, 0x2c, 0xff, 0xfe, 0x80, 0x0a])
    expect(detectEncoding(broken).exact).toBe(false)
  })
})

describe('CSV structure', () => {
  it('detects the delimiter: comma, semicolon, tab, pipe', () => {
    expect(detectDelimiter('a,b,c\n1,2,3\n')).toBe(',')
    expect(detectDelimiter('a;b;c\n1,5;2;3\n')).toBe(';')
    expect(detectDelimiter('a\tb\n1\t2\n')).toBe('\t')
    expect(detectDelimiter('a|b|c\n1|2|3\n')).toBe('|')
  })

  it('keeps leading zeros and text exactly; quotes, doubled quotes and line breaks in quotes', async () => {
    const r = await readCsvRows('id,amount,note\n007,1.50,"say ""hi""\nsecond line"\n8,-3,\n')
    expect(r.rows).toEqual([['id', 'amount', 'note'], ['007', '1.50', 'say "hi"\nsecond line'], ['8', '-3', null]])
  })

  it('honours an Excel "sep=" line and skips blank lines', async () => {
    const r = await readCsvRows('sep=;\na;b\n\n1;2\n')
    expect(r.delimiter).toBe(';')
    expect(r.rows).toEqual([['a', 'b'], ['1', '2']])
  })
})
