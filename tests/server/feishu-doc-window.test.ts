import { describe, expect, it } from 'vitest'
import { inProcessPacer } from '../../server/jobs/pacer'
import { documentReader, type ReaderLine } from '../../server/sources/feishu-doc'
import type { FeishuDocApi } from '../../server/sources/feishu-doc-api'

/**
 * Feishu as the reader sees it, for one 40-slice sheet: the first slice's answer is held back until
 * `release()`; every other range answers at once. Calls the reader should not make throw.
 */
function slowFirstSlice() {
  const started: string[] = []
  let release!: () => void
  const held = new Promise<void>((ok) => { release = ok })
  const unexpected = (name: string) => () => { throw new Error(`unexpected call ${name}`) }
  const api: FeishuDocApi = {
    wikiNode: unexpected('wikiNode'),
    fields: unexpected('fields'),
    records: unexpected('records'),
    users: unexpected('users'),
    spreadsheet: async () => ({ title: 'Book' }),
    sheets: async () => [{ sheet_id: 's1', title: 'S', index: 0, grid_properties: { row_count: 40 * 50, column_count: 2 } }],
    // The probe for zero-padded IDs: nothing is padded.
    values: async () => [],
    valuesAnswer: async (_t, _s, range) => {
      started.push(range)
      const r0 = Number(/!A(\d+):/.exec(range)![1])
      if (r0 === 1) await held
      return new TextEncoder().encode(JSON.stringify({ code: 0, msg: 'success', data: { valueRange: { values: [[`row ${r0}`, r0]] } } }))
    },
  }
  return { api, started, release }
}

describe('the window of slices in flight', () => {
  it('keeps reading while one slow answer is awaited, holds at most two windows of slices, and passes them on in order', async () => {
    const feishu = slowFirstSlice()
    const reader = documentReader({ api: feishu.api, pacer: inProcessPacer(), token: async () => 't', expire: async () => undefined, inFlight: 4, sliceRows: 50 })
    const lines = reader.read({ kind: 'sheet', token: 'shtcnBook', sheetId: null })
    const first = lines.next() // the meta line
    expect((await first).value).toMatchObject({ type: 'meta', totalRows: 2000 })
    const pending = lines.next()
    await new Promise((ok) => setTimeout(ok, 200))
    // The first slice is still out; the three others of the window answered, and reads went on
    // until two windows' worth (8 slices) were read or in flight — not 4, and not all 40.
    expect(feishu.started).toHaveLength(8)
    feishu.release()
    const starts: number[] = []
    for (let next = await pending; !next.done; next = await lines.next()) {
      const l = next.value as ReaderLine
      if (l.type === 'rows-answer') starts.push(l.start)
    }
    expect(starts).toEqual(Array.from({ length: 40 }, (_, i) => 1 + i * 50))
    expect(feishu.started).toHaveLength(40)
  })
})
