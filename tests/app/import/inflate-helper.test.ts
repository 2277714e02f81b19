// @vitest-environment node
// The inflate helper over a real MessageChannel: the helper side (serveInflate, as the helper
// worker runs it) on one port, the reader (readSheet with startHelper) on the other; real
// DecompressionStream, real transfers. The worker itself is started by src/import/worker.ts.
import { describe, expect, it } from 'vitest'
import type { CellValue } from '../../../src/domain/target'
import { Cancelled, FileError } from '../../../src/import/errors'
import { BATCH_BYTES, HELPER_MIN_BYTES, HelperInflate, serveInflate, type FromHelper, type ToHelper } from '../../../src/import/inflate-helper'
import { openXlsx, readSheet } from '../../../src/import/xlsx-read'
import { concatChunks, writeXlsx, type WriteRow } from '../../../src/import/xlsx-write'
import type { HelperPort } from '../../../src/import/zip'
import { blobOf } from './harness'

/** ~9.5 MB of sheet XML: text with leading zeros, numbers, dates, Chinese text, blanks. */
function bigWorkbook(): Uint8Array {
  function* rows(): Generator<WriteRow> {
    yield ['工号', '姓名', '入职日期', ...Array.from({ length: 20 }, (_, i) => `薪资项${i + 1}`), '备注']
    for (let r = 0; r < 15_000; r++) {
      const row: WriteRow = [String(r + 1).padStart(8, '0'), `员工${r % 977}`, { v: `20${10 + (r % 14)}-0${1 + (r % 9)}-1${r % 9}`, date: true }]
      for (let k = 0; k < 20; k++) row.push(k % 7 === 3 ? null : ((r * 31 + k * 17) % 100_000) / 100)
      row.push(r % 5 === 0 ? `第${r}号备注` : null)
      yield row
    }
  }
  return concatChunks(writeXlsx([{ name: '工资表', rows: rows() }], { level: 6 }))
}

const BIG = bigWorkbook()

interface Wire {
  /** What the reader sees (a Worker's shape). */
  port: HelperPort
  /** Messages the helper sent. */
  sent: FromHelper['type'][]
  terminated: boolean
}

/** A helper on a MessageChannel; `tamper` may drop, change or cut the helper's messages. */
function helperOnChannel(tamper?: (m: FromHelper, wire: Wire, fire: (e: ErrorEvent) => void) => FromHelper | null): Wire {
  const channel = new MessageChannel()
  const helperSide = {
    postMessage(m: FromHelper, transfer?: Transferable[]) {
      wire.sent.push(m.type)
      const out = tamper ? tamper(m, wire, (e) => wire.port.onerror?.(e)) : m
      if (!out) return
      channel.port2.postMessage(out, (transfer ?? []) as Transferable[])
    },
    onmessage: null as ((e: MessageEvent<ToHelper>) => void) | null,
  }
  channel.port2.onmessage = (e: MessageEvent<ToHelper>) => helperSide.onmessage?.(e)
  const wire: Wire = {
    sent: [],
    terminated: false,
    port: {
      postMessage: (m, transfer) => channel.port1.postMessage(m, transfer as Transferable[]),
      set onmessage(f: ((e: MessageEvent) => void) | null) { channel.port1.onmessage = f },
      get onmessage() { return channel.port1.onmessage as ((e: MessageEvent) => void) | null },
      onerror: null,
      terminate: () => { wire.terminated = true; channel.port1.close(); channel.port2.close() },
    },
  }
  serveInflate(helperSide)
  return wire
}

async function rowsOf(bytes: Uint8Array, startHelper?: () => HelperPort, extra: { isCancelled?: () => boolean } = {}): Promise<CellValue[][]> {
  const book = await openXlsx(blobOf(bytes))
  const { store } = await readSheet(book, 0, { startHelper, ...extra })
  const out: CellValue[][] = []
  for (let r = 0; r < store.rowCount; r++) out.push(store.row(r))
  return out
}

/** The sheet's central directory record: a view of the bytes and its offset (size fields at +20 compressed, +24 inflated). */
function sheetRecord(bytes: Uint8Array): { view: DataView; at: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let i = bytes.length - 22; i >= 0; i--) {
    if (view.getUint32(i, true) !== 0x02014b50) continue
    const nameLen = view.getUint16(i + 28, true)
    if (new TextDecoder().decode(bytes.subarray(i + 46, i + 46 + nameLen)) === 'xl/worksheets/sheet1.xml') return { view, at: i }
  }
  throw new Error('no sheet entry')
}

describe('the inflate helper', () => {
  it('gives the same cells as reading in one thread, and is really used for a large sheet', async () => {
    const { view, at } = sheetRecord(BIG)
    expect(view.getUint32(at + 24, true)).toBeGreaterThan(HELPER_MIN_BYTES)
    const plain = await rowsOf(BIG)
    const wire = helperOnChannel()
    const helped = await rowsOf(BIG, () => wire.port)
    expect(helped.length).toBe(15_001)
    expect(helped).toEqual(plain)
    expect(helped[1]?.slice(0, 4)).toEqual(['00000001', '员工0', '2010-01-10', 0])
    expect(helped[15_000]?.slice(0, 3)).toEqual(['00015000', '员工344', '2015-06-15'])
    expect(wire.sent[0]).toBe('ready') // what a warmed helper is waited for
    expect(wire.sent.filter((t) => t === 'chunks').length).toBeGreaterThan(5)
    expect(wire.sent.at(-1)).toBe('end')
    expect(wire.terminated).toBe(true)
  }, 60_000)

  it('stops once a window of inflated bytes is unread, and goes on when the reader catches up', async () => {
    const book = await openXlsx(blobOf(BIG))
    const entry = book.entries.get('xl/worksheets/sheet1.xml')
    if (!entry) throw new Error('no sheet')
    const window = 2 * 1024 * 1024
    let sent = 0
    const messages: FromHelper['type'][] = []
    const helper = { postMessage(m: FromHelper) { messages.push(m.type); if (m.type === 'chunks') sent += m.chunks.reduce((a, c) => a + c.length, 0) }, onmessage: null as ((e: MessageEvent<ToHelper>) => void) | null }
    serveInflate(helper)
    const tell = (m: ToHelper) => helper.onmessage?.({ data: m } as MessageEvent<ToHelper>)
    const settled = async () => {
      // Until nothing more is sent for 300 ms.
      for (let last = -1; last !== sent;) { last = sent; await new Promise((ok) => setTimeout(ok, 300)) }
    }
    tell({ type: 'inflate', blob: book.blob, entry, window })
    await settled()
    expect(sent).toBeGreaterThan(window)
    expect(sent).toBeLessThanOrEqual(window + BATCH_BYTES + 256 * 1024)
    expect(messages).not.toContain('end')
    const first = sent
    tell({ type: 'ack', bytes: first })
    await settled()
    expect(sent).toBeGreaterThan(first + window)
    expect(sent).toBeLessThanOrEqual(first + window + BATCH_BYTES + 256 * 1024)
    tell({ type: 'ack', bytes: entry.size })
    await settled()
    expect(sent).toBe(entry.size)
    expect(messages.at(-1)).toBe('end')
  }, 60_000)

  it('is not started for a small sheet', async () => {
    let started = 0
    const small = concatChunks(writeXlsx([{ name: 'S', rows: [['a', 'b'], ['1', 2]] }]))
    expect(await rowsOf(small, () => { started++; return helperOnChannel().port })).toEqual([['a', 'b'], ['1', 2]])
    expect(started).toBe(0)
  })

  it('calls a sheet that inflates beyond its declared size a zip bomb', async () => {
    const lying = BIG.slice()
    const { view, at } = sheetRecord(lying)
    view.setUint32(at + 24, HELPER_MIN_BYTES + 1000, true)
    const wire = helperOnChannel()
    const error = await rowsOf(lying, () => wire.port).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FileError)
    expect((error as FileError).code).toBe('zip_bomb')
    expect(wire.terminated).toBe(true)
  }, 60_000)

  it('calls a sheet whose compressed data stops short a corrupt file', async () => {
    // The directory says the compressed data is half as long as it is: the stream ends mid-block.
    const cut = BIG.slice()
    const { view, at } = sheetRecord(cut)
    view.setUint32(at + 20, Math.floor(view.getUint32(at + 20, true) / 2), true)
    const wire = helperOnChannel()
    const error = await rowsOf(cut, () => wire.port).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FileError)
    expect((error as FileError).code).toBe('corrupt_zip')
    expect(wire.terminated).toBe(true)
  }, 60_000)

  it('says of garbled compressed data what reading in one thread says', async () => {
    const garbled = BIG.slice()
    const mid = Math.floor(garbled.length / 2)
    for (let i = 0; i < 4096; i++) garbled[mid + i] = (i * 7919) & 0xff
    const alone = await rowsOf(garbled).catch((e: unknown) => e)
    const helped = await rowsOf(garbled, () => helperOnChannel().port).catch((e: unknown) => e)
    expect(alone).toBeInstanceOf(FileError)
    expect(helped).toBeInstanceOf(FileError)
    expect(['corrupt_zip', 'zip_bomb']).toContain((helped as FileError).code)
    expect((helped as FileError).code).toBe((alone as FileError).code)
  }, 60_000)

  it('reads in its own thread when the helper cannot start, with the same cells', async () => {
    // A worker whose script fails to load answers nothing and fires an error event.
    const wire = helperOnChannel((_m, _w, fire) => { fire({ message: 'script failed', preventDefault: () => undefined } as unknown as ErrorEvent); return null })
    expect(await rowsOf(BIG, () => wire.port)).toEqual(await rowsOf(BIG))
    expect(wire.terminated).toBe(true)
  }, 60_000)

  it('ends the read with worker_crashed when the helper dies half-way (what was scanned cannot be trusted to be whole)', async () => {
    let batches = 0
    const wire = helperOnChannel((m, _w, fire) => {
      if (m.type === 'chunks' && ++batches === 3) {
        setTimeout(() => fire({ message: 'out of memory', preventDefault: () => undefined } as unknown as ErrorEvent), 0)
        return null
      }
      return batches >= 3 ? null : m
    })
    const error = await rowsOf(BIG, () => wire.port).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FileError)
    expect((error as FileError).code).toBe('worker_crashed')
    expect(wire.terminated).toBe(true)
  }, 60_000)

  it('does not mind the helper failing after it has sent everything', async () => {
    // Messages in the order a dying helper could leave them: its chunks, its end, then an error event.
    const port: HelperPort = { postMessage: () => undefined, onmessage: null, onerror: null, terminate: () => undefined }
    const entry = { name: 'xl/worksheets/sheet1.xml', method: 8, flags: 0, compressedSize: 10, size: 6, localOffset: 0 }
    const reader = new HelperInflate(port, new Blob([]), entry)
    const deliver = (m: FromHelper) => port.onmessage?.({ data: m } as MessageEvent)
    deliver({ type: 'chunks', chunks: [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6])] })
    deliver({ type: 'end', busyMs: 1, stalledMs: 0 })
    port.onerror?.({ message: 'late', preventDefault: () => undefined } as unknown as ErrorEvent)
    const got: number[] = []
    await reader.pump((chunk) => { got.push(...chunk); return true })
    expect(got).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('stops and ends the helper when the person cancels', async () => {
    let chunks = 0
    const wire = helperOnChannel((m) => { if (m.type === 'chunks') chunks++; return m })
    const error = await rowsOf(BIG, () => wire.port, { isCancelled: () => chunks >= 2 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Cancelled)
    expect(wire.terminated).toBe(true)
    expect(wire.sent).not.toContain('end')
  }, 60_000)
})
