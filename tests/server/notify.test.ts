import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { notifyRepo } from '../../server/notify/repo'
import { sandboxCalls, sandboxEmployees, setKnobs, startStack, waitForJob, type SandboxEmployee } from './harness'

/**
 * The app's bot messages a job's owner in Feishu (the sandbox's im/v1/messages) when the job
 * finishes, ends with failures, stops, or waits for their sign-in: one card per event, none when
 * they turned messages off, retried on send failures without ever changing the job.
 */
let stack: Awaited<ReturnType<typeof startStack>>
let hired: SandboxEmployee[]
// Backoff 1 min per failed send: the test moves its clock instead of waiting.
const BACKOFF = 60_000
beforeAll(async () => {
  stack = await startStack({ retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 }, notify: { maxAttempts: 3, backoffMs: () => BACKOFF } })
  hired = await sandboxEmployees(stack.sandbox.url, { status: 'hired', limit: 300 })
})
afterAll(async () => { await stack.close() })
beforeEach(async () => {
  await setKnobs(stack.sandbox.url, { failNext: [], imBotEnabled: true, imUnavailableUsers: [], datasourceCapacity: 100_000, latencyMs: 0 })
})

interface Card {
  header: { template: string; title: { content: string; i18n: Record<string, string> } }
  i18n_elements: Record<string, Array<{ tag: string; text?: { content: string }; fields?: Array<{ text: { content: string } }>; actions?: Array<{ url: string; text: { content: string } }> }>>
}
interface Received { message_id: string; user_id: string; open_id: string; msg_type: string; uuid: string | null; card: Card; links: Array<{ url: string; opens: string | null }> }

async function received(userId: string): Promise<Received[]> {
  return ((await (await fetch(`${stack.sandbox.url}/sandbox/inspect/messages?user=${userId}`)).json()) as { messages: Received[] }).messages
}
const cardsOfJob = async (userId: string, jobId: string) => (await received(userId)).filter((m) => m.links.some((l) => l.url.includes(encodeURIComponent(`/jobs/${jobId}`))))

async function until<T>(what: string, f: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await f()
    if (v) return v
    await new Promise((ok) => setTimeout(ok, 25))
  }
  throw new Error(`never: ${what}`)
}

let keySeq = 0
async function runJob(userId: string, rows: unknown[], period = '2023-03', wait = true) {
  const c = await stack.signedIn(userId)
  const created = await c.request('POST', '/api/jobs', {
    idempotency_key: `notify-${Date.now()}-${keySeq++}`, kind: 'payroll_save',
    target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: period }, rows, source: { file_name: '三月_扣款 *final*.xlsx' },
  })
  expect(created.status, created.text).toBe(201)
  const id = (created.json.job as { id: string }).id
  return { c, id, done: wait ? await waitForJob(c, id, ['succeeded', 'finished_with_errors', 'failed', 'needs_signin']) : null }
}
const rowsOf = (people: SandboxEmployee[]) => people.map((e, i) => ({ row: i + 2, employment_id: e.employment_id, values: { late_deduction__c: `${i}.5` } }))
const notifications = (jobId: string) => notifyRepo(stack.db).ofJob(jobId)
const text = (card: Card, lang: 'zh_cn' | 'en_us') => JSON.stringify(card.i18n_elements[lang])

describe('job messages in Feishu', () => {
  it('sends the owner one card when their job finishes, with its counts in both languages and a button that opens the job', async () => {
    const { id, done } = await runJob('wangfang', rowsOf(hired.slice(0, 3)))
    expect(done!.job.status).toBe('succeeded')
    const [card, ...more] = await until('the card arrives', async () => { const m = await cardsOfJob('wangfang', id); return m.length ? m : null })
    expect(more).toHaveLength(0)
    expect(card!.msg_type).toBe('interactive')
    expect(card!.card.header.template).toBe('green')
    expect(card!.card.header.title.i18n).toEqual({ zh_cn: '导入已完成', en_us: 'Your import is done' })
    expect(text(card!.card, 'zh_cn')).toContain('**3** 已写入（共 3）')
    expect(text(card!.card, 'en_us')).toContain('**3** written (of 3)')
    expect(text(card!.card, 'zh_cn')).toContain('{"tag":"plain_text","content":"文件: 三月_扣款 *final*.xlsx"}')
    // The button: an AppLink to this app's web app at the job's path, opened by the client at homepage + path.
    const link = new URL(card!.links[0]!.url)
    expect(`${link.origin}${link.pathname}`).toBe('https://applink.feishu.cn/client/web_app/open')
    expect(link.searchParams.get('appId')).toBe(stack.config.feishu.appId)
    expect(link.searchParams.get('path')).toBe(`/jobs/${id}`)
    expect(card!.links[0]!.opens).toBe(`${stack.config.publicUrl}/jobs/${id}`)
    expect((await notifications(id)).map((n) => [n.kind, n.state, n.attempts])).toEqual([['succeeded', 'sent', 1]])
    // Nothing secret in a card.
    expect(JSON.stringify(card)).not.toMatch(/eyJ|t-[A-Za-z0-9]{10}|u-[A-Za-z0-9]{10}/)
  })

  it('says when a job ends with rows not written, with how many failed', async () => {
    const rows = [...rowsOf(hired.slice(10, 12)), { row: 9, employment_id: '7999999999999999999', values: { late_deduction__c: '1.5' } }]
    const { id, done } = await runJob('wangfang', rows, '2023-04')
    expect(done!.job.status).toBe('finished_with_errors')
    const [card] = await until('the card arrives', async () => { const m = await cardsOfJob('wangfang', id); return m.length ? m : null })
    expect(card!.card.header.template).toBe('orange')
    expect(text(card!.card, 'en_us')).toContain('**2** written · **1** failed (of 3)')
    expect(text(card!.card, 'zh_cn')).toContain('**1** 失败')
  })

  it('says when Feishu stopped the job (the datasource is full)', async () => {
    await setKnobs(stack.sandbox.url, { datasourceCapacity: 0 })
    const { id, done } = await runJob('wangfang', rowsOf(hired.slice(20, 22)), '2023-05')
    expect(done!.job.status).toBe('failed')
    const [card] = await until('the card arrives', async () => { const m = await cardsOfJob('wangfang', id); return m.length ? m : null })
    expect(card!.card.header.title.i18n.en_us).toBe('Your import stopped: Feishu refused it')
  })

  it('asks the owner to sign in again when the job waits for it, and says when it then finishes', async () => {
    // 陈静's refresh is disabled by the app: when her access token ends, her job waits for her.
    const c = await stack.signedIn('chenjing')
    await setKnobs(stack.sandbox.url, { latencyMs: 40 })
    const created = await c.request('POST', '/api/jobs', {
      idempotency_key: `notify-signin-${Date.now()}`, kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2023-06' }, rows: rowsOf(hired.slice(60, 160)),
    })
    expect(created.status, created.text).toBe(201)
    await fetch(`${stack.sandbox.url}/sandbox/expire-tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: 'chenjing', kind: 'access' }) })
    const id = (created.json.job as { id: string }).id
    expect((await waitForJob(c, id, ['needs_signin'])).job.status).toBe('needs_signin')
    const [card] = await until('the card arrives', async () => { const m = await cardsOfJob('chenjing', id); return m.length ? m : null })
    expect(card!.card.header.title.i18n).toEqual({ zh_cn: '导入已暂停：需要你重新登录', en_us: 'Your import is paused: please sign in again' })
    expect(card!.user_id).toBe('chenjing')

    await setKnobs(stack.sandbox.url, { latencyMs: 0 })
    await stack.signedIn('chenjing')
    expect((await waitForJob(c, id, ['succeeded'])).job.status).toBe('succeeded')
    const both = await until('the second card arrives', async () => { const m = await cardsOfJob('chenjing', id); return m.length === 2 ? m : null })
    expect(both.map((m) => m.card.header.template)).toEqual(['orange', 'green'])
    expect((await notifications(id)).map((n) => n.kind)).toEqual(['needs_signin', 'succeeded'])
  })

  it('sends nothing to a person who turned messages off, and again after they turn them on', async () => {
    const c = await stack.signedIn('chenjing')
    expect((await c.request('GET', '/api/notify/settings')).json).toEqual({ settings: { enabled: true } })
    const bad = await c.request('PUT', '/api/notify/settings', { enabled: 'no' })
    expect(bad.status).toBe(400)
    expect(bad.json.error?.code).toBeTruthy()
    expect((await c.request('PUT', '/api/notify/settings', { enabled: false })).json).toEqual({ settings: { enabled: false } })
    expect((await c.request('GET', '/api/notify/settings')).json).toEqual({ settings: { enabled: false } })
    // Someone else's setting is their own.
    expect((await (await stack.signedIn('wangfang')).request('GET', '/api/notify/settings')).json).toEqual({ settings: { enabled: true } })

    const off = await runJob('chenjing', rowsOf(hired.slice(30, 32)), '2023-07')
    expect(off.done!.job.status).toBe('succeeded')
    await until('the event is settled', async () => (await notifications(off.id)).find((n) => n.state === 'skipped'))
    expect(await cardsOfJob('chenjing', off.id)).toHaveLength(0)

    await c.request('PUT', '/api/notify/settings', { enabled: true })
    const on = await runJob('chenjing', rowsOf(hired.slice(32, 34)), '2023-07')
    await until('the card arrives', async () => (await cardsOfJob('chenjing', on.id)).length === 1)
    expect(await cardsOfJob('chenjing', off.id)).toHaveLength(0)
  })

  it('retries a card while the bot is not enabled, and the job keeps its outcome', async () => {
    await setKnobs(stack.sandbox.url, { imBotEnabled: false })
    const { id, done } = await runJob('wangfang', rowsOf(hired.slice(40, 42)), '2023-08')
    expect(done!.job.status).toBe('succeeded')
    const first = await until('the first send failed', async () => (await notifications(id)).find((n) => n.state === 'pending' && n.attempts === 1))
    expect(first.lastError).toBe('bot_not_enabled (230006)')
    expect(await cardsOfJob('wangfang', id)).toHaveLength(0)

    // Not before its time, however often the sender looks.
    await stack.notify.drain()
    expect((await notifications(id))[0]!.attempts).toBe(1)

    await setKnobs(stack.sandbox.url, { imBotEnabled: true, failNext: [{ api: 'im.message.create', kind: 'rateLimit429' }] })
    stack.clock.advance(BACKOFF)
    await stack.notify.drain()
    expect((await notifications(id))[0]).toMatchObject({ state: 'pending', attempts: 2, lastError: 'rate_limited (99991400)' })
    stack.clock.advance(BACKOFF)
    await stack.notify.drain()
    expect((await notifications(id))[0]).toMatchObject({ state: 'sent', attempts: 3 })
    expect(await cardsOfJob('wangfang', id)).toHaveLength(1)
    const after = await (await stack.signedIn('wangfang')).request('GET', `/api/jobs/${id}`)
    expect((after.json.job as { status: string; counts: { succeeded: number } })).toMatchObject({ status: 'succeeded', counts: { succeeded: 2 } })
  })

  it('gives up on a person the bot cannot reach (left, or outside its availability) after one try, and on a failing bot within the limit', async () => {
    await setKnobs(stack.sandbox.url, { imUnavailableUsers: ['wangfang'] })
    const gone = await runJob('wangfang', rowsOf(hired.slice(50, 52)), '2023-09')
    expect(gone.done!.job.status).toBe('succeeded')
    const n = await until('given up', async () => (await notifications(gone.id)).find((x) => x.state === 'given_up'))
    expect(n).toMatchObject({ attempts: 1, lastError: 'recipient_unreachable (230013)' })

    await setKnobs(stack.sandbox.url, { imUnavailableUsers: [], imBotEnabled: false })
    const off = await runJob('wangfang', rowsOf(hired.slice(52, 54)), '2023-09')
    await until('first try', async () => (await notifications(off.id)).find((x) => x.attempts === 1))
    for (let i = 0; i < 3; i++) { stack.clock.advance(BACKOFF); await stack.notify.drain() }
    expect((await notifications(off.id))[0]).toMatchObject({ state: 'given_up', attempts: 3 })
    expect((await (await stack.signedIn('wangfang')).request('GET', `/api/jobs/${off.id}`)).json.job).toMatchObject({ status: 'succeeded' })
  })

  it('keeps a burst of cards to one person under Feishu\'s 5 a second to a person: every card goes on its first try', async () => {
    const { id } = await runJob('wangfang', rowsOf(hired.slice(60, 61)), '2023-10')
    await until('the done card', async () => (await notifications(id)).find((x) => x.state === 'sent'))
    const sinceSeq = Math.max(0, ...(await sandboxCalls(stack.sandbox.url)).map((c) => c.seq))
    // Twelve cards at once (a drift card is one per occurrence): unpaced, the sixth within a second draws 230020.
    await Promise.all(Array.from({ length: 12 }, (_, i) => stack.notify.approvalChanged(id, 'approval_drift', 1_000 + i)))
    await until('all sent', async () => (await notifications(id)).filter((x) => x.kind === 'approval_drift' && x.state === 'sent').length === 12)
    expect((await notifications(id)).filter((x) => x.kind === 'approval_drift').every((x) => x.attempts === 1)).toBe(true)
    const sends = await sandboxCalls(stack.sandbox.url, { api: 'im.message.create', sinceSeq })
    expect(sends).toHaveLength(12)
    expect(sends.every((c) => c.code === 0)).toBe(true)
  })
})
