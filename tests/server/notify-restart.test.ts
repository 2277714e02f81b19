import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox } from '../../server/sandbox/index'
import { sandboxCalls, sandboxEmployees, setKnobs } from './harness'
import { childServer, type Call, type ChildServer } from './child-server'

/**
 * The real server as a separate process, killed with SIGKILL and started again on the same data:
 * a card already sent is never sent again, and one recorded but not yet sent goes out exactly once.
 */
let sandbox: Awaited<ReturnType<typeof startSandbox>>
let server: ChildServer

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 })
  server = await childServer(sandbox.url)
  sandbox.state.webAppHomepage = `http://localhost:${server.port}`
})
afterAll(async () => {
  await server.kill()
  await sandbox.close()
})

async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, tries = 600): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await f()
    if (v) return v
    await new Promise((ok) => setTimeout(ok, 50))
  }
  throw new Error(`never: ${what}`)
}
const cardsFor = async (jobId: string) => ((await (await fetch(`${sandbox.url}/sandbox/inspect/messages?user=wangfang`)).json()) as { messages: Array<{ links: Array<{ url: string }> }> })
  .messages.filter((m) => m.links.some((l) => l.url.includes(encodeURIComponent(`/jobs/${jobId}`)))).length

describe('job messages across a crash', () => {
  it('never repeats a sent card after a restart, and sends a pending one exactly once', async () => {
    const people = await sandboxEmployees(sandbox.url, { status: 'hired', limit: 8 })
    let n = 0
    const job = async (call: Call) => {
      const created = await call('POST', '/api/jobs', {
        idempotency_key: `notify-restart-${n}`, kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2022-0' + (n + 1) },
        rows: people.slice(2 * n, 2 * n + 2).map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { absence_hours__c: '1.5' } })),
      })
      n++
      expect(created.status).toBe(201)
      const id = (created.json.job as { id: string }).id
      await until('job done', async () => ((await call('GET', `/api/jobs/${id}`)).json.job as { status: string }).status === 'succeeded')
      return id
    }

    await server.start()
    let call = await server.signedIn('wangfang')
    // A: finished and its card sent before the crash.
    const a = await job(call)
    await until('card A', async () => (await cardsFor(a)) === 1)
    // B: finished while the bot was off; its card waits for a retry when the process dies.
    await setKnobs(sandbox.url, { imBotEnabled: false })
    const b = await job(call)
    await until('B tried once', async () => (await sandboxCalls(sandbox.url, { api: 'im.message.create' })).some((c) => c.code === 230006))
    await server.kill()
    await setKnobs(sandbox.url, { imBotEnabled: true })

    await server.start()
    call = await server.signedIn('wangfang')
    await until('card B after the restart', async () => (await cardsFor(b)) === 1)
    // C after the restart: once its card is there, the restarted sender has had every chance to repeat A or B.
    const c = await job(call)
    await until('card C', async () => (await cardsFor(c)) === 1)
    // And once more: kill and restart again with nothing pending.
    await server.kill()
    await server.start()
    call = await server.signedIn('wangfang')
    const d = await job(call)
    await until('card D', async () => (await cardsFor(d)) === 1)
    expect([await cardsFor(a), await cardsFor(b), await cardsFor(c), await cardsFor(d)]).toEqual([1, 1, 1, 1])
    const sent = (await sandboxCalls(sandbox.url, { api: 'im.message.create' })).filter((x) => x.code === 0)
    expect(sent).toHaveLength(4)
  })
})
