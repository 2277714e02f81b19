// The worker client's warm start: the import page starts the worker (and, in a real worker, its
// inflate helper) before a file is picked; the first file goes to that worker, every later file to
// a fresh one, so nothing of an earlier file stays in memory.
import { describe, expect, it } from 'vitest'
import { ImportClient, inProcessTransport, type Transport } from '../../../src/import/client'
import type { RequestMessage } from '../../../src/import/protocol'
import { payrollSchema } from './fixtures/schemas'
import { blobOf } from './harness'

function counted() {
  const seen = { started: 0, terminated: 0, ops: [] as string[] }
  const factory = (): Transport => {
    seen.started++
    const t = inProcessTransport()
    return {
      ...t,
      post: (msg: RequestMessage, transfer?: Transferable[]) => { seen.ops.push(msg.op); t.post(msg, transfer) },
      terminate: () => { seen.terminated++; t.terminate() },
    }
  }
  return { seen, client: new ImportClient(factory) }
}

const CSV = '工号,算薪期间\n000123,2024-01\n000124,2024-01\n'

describe('ImportClient.warm', () => {
  it('starts the worker ahead of the file, and the first file is read by that worker', async () => {
    const { seen, client } = counted()
    await client.warm()
    expect(seen.started).toBe(1)
    expect(client.active).toBe(true)
    await client.warm() // already up: nothing more
    expect(seen.ops).toEqual(['warm'])
    const opened = await client.open(blobOf(CSV), 'a.csv', payrollSchema, null)
    expect(opened.sheet?.rowCount).toBe(2)
    expect(seen).toMatchObject({ started: 1, terminated: 0 })
  })

  it('gives a second file a fresh worker (the first one held a file)', async () => {
    const { seen, client } = counted()
    await client.warm()
    await client.open(blobOf(CSV), 'a.csv', payrollSchema, null)
    const second = await client.open(blobOf(CSV + '000125,2024-01\n'), 'b.csv', payrollSchema, null)
    expect(second.sheet?.rowCount).toBe(3)
    expect(seen).toMatchObject({ started: 2, terminated: 1 })
  })

  it('a file picked while the worker is still warming goes to that worker', async () => {
    const { seen, client } = counted()
    const warming = client.warm()
    const opened = await client.open(blobOf(CSV), 'a.csv', payrollSchema, null)
    await warming
    expect(opened.sheet?.rowCount).toBe(2)
    expect(seen).toMatchObject({ started: 1, terminated: 0, ops: ['warm', 'open'] })
  })

  it('after a cancel, warming starts a new worker', async () => {
    const { seen, client } = counted()
    await client.warm()
    client.cancel()
    expect(client.active).toBe(false)
    await client.warm()
    expect(seen).toMatchObject({ started: 2, terminated: 1 })
  })
})
