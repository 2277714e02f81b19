// `npm run bench:jobs [-- --processes N]`: how close the job runner gets to Feishu's documented
// ceilings, against the sandbox (in its own process) over real HTTP with a realistic 40 ms per call:
// payroll saves (10 calls/s per app, one save at a time per datasource) and archive report uploads
// (50 calls/s). With --processes N, N server processes share PostgreSQL and Redis and the jobs are
// spread over them. Prints calls/s, the ratio to the ceiling (target ≥ 0.95), and any 429 / 2500021
// the app caused (target 0).
import { createSandboxApp } from '../server/sandbox/index'
import { sandboxCalls, sandboxEmployees, sandboxProcess, setKnobs, startStack, waitForJob } from '../tests/server/harness'
import { cluster } from '../tests/scale/cluster'

const flag = process.argv.indexOf('--processes')
const processes = flag >= 0 ? Math.max(1, Number(process.argv[flag + 1]) || 1) : 1

type Client = { request(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> }
interface Driver { sandboxUrl: string; signIn(user: string, i: number): Promise<Client>; close(): Promise<void> }

async function inProcess(): Promise<Driver> {
  const stack = await startStack({ sandbox: await sandboxProcess() })
  return { sandboxUrl: stack.sandbox.url, signIn: (user) => stack.signedIn(user), close: () => stack.close() }
}

async function multiProcess(n: number): Promise<Driver> {
  const sb = await sandboxProcess()
  const c = cluster(sb.url)
  const nodes: Awaited<ReturnType<typeof c.start>>[] = []
  for (let i = 0; i < n; i++) nodes.push(await c.start(`bench-${i}`))
  return {
    sandboxUrl: sb.url,
    async signIn(user, i) {
      const node = nodes[i % nodes.length]!
      const cookie = await c.signIn(node, user)
      return { request: (method, path, body) => c.call(node, cookie, method, path, body) }
    },
    async close() { await c.stop(); await sb.close() },
  }
}

const driver = processes > 1 ? await multiProcess(processes) : await inProcess()
const sb = driver.sandboxUrl
await setKnobs(sb, { latencyMs: 40 })
console.info(`bench:jobs with ${processes} server process${processes > 1 ? 'es (PostgreSQL + Redis)' : ' (SQLite)'}`)

async function measure(label: string, api: string, ceiling: number, run: () => Promise<void>) {
  const since = Math.max(0, ...(await sandboxCalls(sb)).map((c) => c.seq))
  const t0 = performance.now()
  await run()
  const seconds = (performance.now() - t0) / 1000
  const calls = await sandboxCalls(sb, { api, sinceSeq: since })
  const starts = calls.map((c) => c.startMs).sort((a, b) => a - b)
  // Calls per second over the whole 1 s windows the calls span (Feishu counts per window; the
  // last, partial window would flatter the figure). Excludes job creation and the final poll.
  const windows = Math.floor((starts.at(-1)! - starts[0]!) / 1000)
  const rate = windows >= 1 ? starts.filter((t) => t < starts[0]! + windows * 1000).length / windows : calls.length
  const throttled = calls.filter((c) => c.code === 99991400 || c.code === 2500021).length
  console.info(`${label.padEnd(40)} ${calls.length} calls in ${seconds.toFixed(2)} s · ${rate.toFixed(2)} calls/s · ceiling ${ceiling}/s · ratio ${(rate / ceiling).toFixed(3)} ${rate / ceiling >= 0.95 ? 'OK' : 'BELOW 0.95'} · 429/2500021 caused: ${throttled}`)
}

const people = await sandboxEmployees(sb, { status: 'hired', limit: 2400 })
await measure('payroll save, 4 jobs × 500 records', 'datasource_record.save', 10, async () => {
  // Four jobs of two people on two datasources, spread over the processes: one app-wide limit.
  const plans = [['wangfang', 'attendance_deduction__c'], ['chenjing', 'attendance_deduction__c'], ['wangfang', 'sales_commission__c'], ['chenjing', 'sales_commission__c']] as const
  const jobs = await Promise.all(plans.map(async ([user, source], k) => {
    const client = await driver.signIn(user, k)
    const res = await client.request('POST', '/api/jobs', {
      idempotency_key: `bench-payroll-${Date.now()}-${k}`, kind: 'payroll_save', target: { type: 'payroll', source_code: source, payroll_period: `2021-0${k + 1}` },
      rows: people.slice(k * 500, k * 500 + 500).map((e, i) => ({ row: i, employment_id: e.employment_id, values: source === 'sales_commission__c' ? { deals_closed__c: String(i) } : { meal_allowance__c: String(i % 500) } })),
    })
    return { client, id: (res.json.job as { id: string }).id }
  }))
  for (const j of jobs) await waitForJob(j.client, j.id, undefined, 600_000)
})

const rnd = await sandboxEmployees(sb, { department: 'RND', limit: 2400 })
// The seed is deterministic: a local copy knows the same report field codes.
const codes = createSandboxApp({}).state.rules.get('7341290237441605652')!.fields.map((f) => f.code)
await measure(`attendance upload, 8 jobs × ${rnd.length} members`, 'archive_rule.upload_report', 50, async () => {
  const jobs = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(async (k) => {
    const client = await driver.signIn('zhangwei', k)
    const res = await client.request('POST', '/api/jobs', {
      idempotency_key: `bench-att-${Date.now()}-${k}`, kind: 'attendance_upload', target: { type: 'attendance', archive_rule_id: '7341290237441605652', month: `20200${k + 1}`, employee_type: 'employee_id' },
      rows: rnd.map((e, i) => ({ row: i, member_id: e.user_id, start_time: `20200${k + 1}01`, end_time: `20200${k + 1}28`, values: Object.fromEntries(codes.map((c, j) => [c, String((i + j) % 30)])) })),
    })
    return { client, id: (res.json.job as { id: string }).id }
  }))
  for (const j of jobs) await waitForJob(j.client, j.id, undefined, 600_000)
})

await driver.close()
