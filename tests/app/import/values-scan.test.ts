import { describe, expect, it } from 'vitest'
import type { SourceLine } from '../../../src/domain/feishu-source'
import type { CellStore } from '../../../src/import/cells'
import { readFeishuDoc } from '../../../src/import/feishu-read'
import { answerLineHead, firstRowsOf, placesOf, scanAnswerLine, type ValuesSink } from '../../../src/import/values-scan'

type Event = ['row', number] | ['n', number, number, number] | ['t', number, string] | ['o', number, unknown] | ['end']

/** Every event the scanner hands out for a rows line. */
function scanned(line: string): Event[] {
  const bytes = new TextEncoder().encode(line)
  const head = answerLineHead(bytes)
  if (!head) throw new Error('not an answer line')
  const events: Event[] = []
  const sink: ValuesSink = {
    row: (i) => events.push(['row', i]),
    number: (c, v, p) => events.push(['n', c, v, p]),
    text: (c, s) => events.push(['t', c, s]),
    other: (c, v) => events.push(['o', c, v]),
    endRow: () => events.push(['end']),
  }
  scanAnswerLine(bytes, head.at, sink)
  return events
}

/** The same events from JSON.parse's reading of the line: what the scanner must equal. */
function parsedEvents(line: string): Event[] {
  const l = JSON.parse(line) as { answer: { data?: { valueRange?: { values?: unknown } } } }
  const values = l.answer.data?.valueRange?.values
  const events: Event[] = []
  if (!Array.isArray(values)) return events
  values.forEach((cells, i) => {
    if (!Array.isArray(cells) || cells.length === 0) return
    events.push(['row', i])
    cells.forEach((v: unknown, c) => {
      if (typeof v === 'number') events.push(['n', c, v, placesOf(v)])
      else if (typeof v === 'string') events.push(['t', c, v])
      else events.push(['o', c, v])
    })
    events.push(['end'])
  })
  return events
}

const line = (answer: string, start = 2) => `{"type":"rows","start":${start},"answer":${answer}}`
const answerOf = (values: unknown) => JSON.stringify({ code: 0, msg: 'success', data: { revision: 3, spreadsheetToken: 'shtcnX', valueRange: { majorDimension: 'ROWS', range: 's1!A2:C9', revision: 3, values } } })

/** A seeded generator, so a failure can be read again. */
function rng(seed: number) {
  let s = seed >>> 0
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 }
}

const TEXTS = ['', 'a', 'E000123', '007123', '王芳', '员工12345', 'exactly12by', 'thirteen char', 'a much longer text than thirteen bytes, with 中文 inside',
  'quote " and backslash \\ and slash /', 'line\nbreak\ttab\r\b\f', 'control \u0001 \u001f', 'é à ü', '😀 emoji 🧧', '\u2028\u2029', '2024/09/30', '2024-09-30 08:30']
const NUMBERS = [0, -0, 1, -1, 7123, 12.5, 0.1, 0.30000000000000004, 123456789012345, 1234567890123456, 9007199254740994, 1e21, 1.5e-7, -2.75, 99999.99, 1e-7, 5e-324, 1.7976931348623157e308]

function randomCell(next: () => number): unknown {
  const k = next()
  if (k < 0.35) return NUMBERS[Math.floor(next() * NUMBERS.length)]! * (next() < 0.5 ? 1 : -1)
  if (k < 0.45) return Math.round(next() * 1e6) / 100
  if (k < 0.75) return TEXTS[Math.floor(next() * TEXTS.length)]
  if (k < 0.8) return null
  if (k < 0.85) return next() < 0.5
  if (k < 0.9) return [{ type: 'text', text: '富文本 ' }, { type: 'url', text: 'link', link: 'https://x.cn/?a="b"' }]
  if (k < 0.95) return { type: 'mention', text: '@王芳', mentionType: 0, nested: { deep: [1, [2, { three: '}]' }]] } }
  return {}
}

describe('reading a values answer from its bytes', () => {
  it('hands out every cell exactly as JSON.parse reads it: numbers with their places, text with escapes and any Unicode, rich text, nulls', () => {
    const next = rng(17)
    for (let round = 0; round < 60; round++) {
      const values = Array.from({ length: 1 + Math.floor(next() * 12) }, () =>
        next() < 0.08 ? [] : next() < 0.04 ? null : Array.from({ length: Math.floor(next() * 9) }, () => randomCell(next)))
      const text = line(answerOf(values))
      expect(scanned(text)).toEqual(parsedEvents(text))
    }
  })

  it('reads numbers as Feishu may write them, not only as JSON.stringify does: trailing zeros, exponents, long digits', () => {
    const text = line(answerOf([[0]]).replace('[[0]]', '[[12.50, 1.000, -0.0, 1E3, 2e-2, 1.5E+2, 0.1000000000000000055511151231257827, 12345678901234567890, 100, 0, -0, 1e400]]'))
    expect(scanned(text)).toEqual(parsedEvents(text))
    // The written decimal places without the trailing zeros: 12.50 has 1, 1.000 none.
    expect(scanned(text).slice(1, 3)).toEqual([['n', 0, 12.5, 1], ['n', 1, 1, 0]])
  })

  it('finds the rows under answer.data.valueRange.values whatever the key order, space and other keys around them', () => {
    const answer = ' { "data" : { "valueRange" : { "values" : [ [ 1 , "a" ] , [ ] , [ null , { "values" : [[9]] } ] ] , "range" : "s1!A1:B3" } , "values" : [[8]] } , "code" : 0 , "values" : [[7]] , "msg" : "success" } '
    const text = line(answer)
    expect(scanned(text)).toEqual(parsedEvents(text))
    expect(scanned(text)).toEqual([['row', 0], ['n', 0, 1, 0], ['t', 1, 'a'], ['end'], ['row', 2], ['o', 0, null], ['o', 1, { values: [[9]] }], ['end']])
    // Escaped key names are still the keys they name.
    const escaped = line('{"d\\u0061ta":{"valueRange":{"values":[[3]]}}}')
    expect(scanned(escaped)).toEqual([['row', 0], ['n', 0, 3, 0], ['end']])
  })

  it('gives no rows when the answer has none: values missing, null or not a list; data null', () => {
    for (const answer of ['{"code":0,"data":{"valueRange":{"range":"s1!A1:B2"}}}', '{"code":0,"data":{"valueRange":{"values":null}}}', '{"code":0,"data":null}', '{"code":0,"data":{"valueRange":{"values":{"a":1}}}}', '{"code":0,"data":{"valueRange":{"values":[]}}}']) {
      expect(scanned(line(answer))).toEqual([])
    }
  })

  it('refuses malformed text as JSON.parse does, wherever it is', () => {
    const bad = [
      '{"code":0,"data":{"valueRange":{"values":[[1,2]]}}', // the line's own brace missing
      '{"code":0,"data":{"valueRange":{"values":[[1 2]]}}}}',
      '{"code":0,"data":{"valueRange":{"values":[[01]]}}}}',
      '{"code":0,"data":{"valueRange":{"values":[[1.]]}}}}',
      '{"code":0,"data":{"valueRange":{"values":[[-]]}}}}',
      '{"code":0,"data":{"valueRange":{"values":[["a\u0001"]]}}}}',
      '{"code":0,"data":{"valueRange":{"values":[["unterminated]]}}}}',
      '{"code":0,"data":{"valueRange":{"values":[[nul]]}}}}',
      '{"code":0,"data":{"valueRange":{"values":[[{"a":}]]}}}}',
      '{"code":0,"data":{"valueRange":{"values":[[1]]}},"x":tru}}',
      '{"code":0 "data":{}}}',
      '{"code":0,"data":{"valueRange":{"values":[[1]]}}}} trailing',
    ]
    for (const answer of bad) {
      const text = `{"type":"rows","start":2,"answer":${answer}`
      expect(() => JSON.parse(text), answer).toThrow(SyntaxError)
      expect(() => scanned(text), answer).toThrow(SyntaxError)
    }
  })

  it('gives the first rows of an answer at their places without reading further (the server’s look for zero-padded IDs)', () => {
    const enc = (x: string) => new TextEncoder().encode(x)
    const whole = answerOf([['a', 1], [], ['b', { text: 'c' }], ['d', 2.5]])
    expect(firstRowsOf(enc(whole), 10)).toEqual([['a', 1], [], ['b', { text: 'c' }], ['d', 2.5]])
    expect(firstRowsOf(enc(whole), 3)).toEqual([['a', 1], [], ['b', { text: 'c' }]])
    // Past the rows asked for, nothing is read: a broken tail is never reached.
    const broken = '{"code":0,"data":{"valueRange":{"values":[[1],[2],[3 oops'
    expect(firstRowsOf(enc(broken), 2)).toEqual([[1], [2]])
    expect(() => firstRowsOf(enc(broken), 5)).toThrow(SyntaxError)
    expect(firstRowsOf(enc('{"code":0,"data":{"valueRange":{"range":"s1!A1:B2"}}}'), 5)).toEqual([])
  })

  it('takes only the server’s rows lines: any other line is left to JSON.parse', () => {
    const enc = (s: string) => new TextEncoder().encode(s)
    expect(answerLineHead(enc('{"type":"rows","start":12,"answer":{}}'))).toEqual({ start: 12, at: 35 })
    for (const other of ['{"type":"rows","start":2,"rows":[[1]]}', '{"type":"progress","rowsRead":1,"totalRows":2}', '{"type":"rows","start":"2","answer":{}}', '{"type":"rows","start":,"answer":{}}', '{"type":"rows"', '']) {
      expect(answerLineHead(enc(other)), other).toBeNull()
    }
  })
})

/** A reader stream of these bytes, `size` bytes a chunk (so lines and characters are cut anywhere). */
function chunked(text: string, size: number): typeof fetch {
  const bytes = new TextEncoder().encode(text)
  return (async () => new Response(new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.slice(i, i + size))
      controller.close()
    },
  }), { status: 200 })) as unknown as typeof fetch
}

const snapshot = (store: CellStore) => Array.from({ length: store.rowCount }, (_, r) => [store.sheetRows[r], store.row(r)])

describe('a sheet read into the store from passed-on answers', () => {
  const values = [
    ['工号', '姓名', '金额', '日期', '备注'],
    ['007123', '王芳', 1234.5, '2024/09/30', null],
    [null, null, null],
    [],
    ['FS00002', [{ type: 'text', text: '李' }, { type: 'text', text: '娜' }], 0.1, '2024-09-30 08:30', { type: 'mention', text: '@张伟' }],
    ['FS00003', 'a "quoted" \\ name 😀', -0, true, '   '],
  ]
  const meta: SourceLine = { type: 'meta', kind: 'sheet', title: 'T', part: 'S', totalRows: 6, columns: 5, merges: [] }
  const ndjson = (rowsLine: string) => [JSON.stringify(meta), rowsLine, JSON.stringify({ type: 'progress', rowsRead: 6, totalRows: 6 }), JSON.stringify({ type: 'done', rowsRead: 6 })].join('\n') + '\n'
  const read = (text: string, size: number) => readFeishuDoc({ link: 'l', endpoint: '/e', fetch: chunked(text, size), isCancelled: () => false })

  it('holds the same cells as the same rows sent parsed, however the stream is cut', async () => {
    const parsed = await read(ndjson(JSON.stringify({ type: 'rows', start: 1, rows: values })), 1 << 16)
    const expected = snapshot(parsed.store)
    expect(expected).toEqual([
      [1, ['工号', '姓名', '金额', '日期', '备注']],
      [2, ['007123', '王芳', 1234.5, '2024-09-30', null]],
      [5, ['FS00002', '李娜', 0.1, '2024-09-30 08:30:00', '@张伟']],
      [6, ['FS00003', 'a "quoted" \\ name 😀', 0, true, '   ']],
    ])
    const passedOn = ndjson(line(answerOf(values), 1))
    for (const size of [1, 2, 3, 5, 7, 64, 1 << 16]) {
      expect(snapshot((await read(passedOn, size)).store), `chunks of ${size}`).toEqual(expected)
    }
  })

  it('ends a malformed answer with an error instead of a short sheet', async () => {
    const broken = ndjson(line(answerOf(values), 1).replace('"王芳",', '"王芳"'))
    await expect(read(broken, 7)).rejects.toThrow(SyntaxError)
  })
})
