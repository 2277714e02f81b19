// `npm run bench:jobs [-- --processes N]`: how close the job runner gets to Feishu's documented
// ceilings, against the sandbox in its own process over real HTTP, with 20 ms and with 300 ms added
// to every call. Scenarios: payroll with 1 datasource (ceiling per datasource min(10/s, 1/latency)),
// payroll with 3 datasources at once (10/s for the app), attendance (50/s). Prints achieved calls/s
// and rows/s as a ratio of the ceiling (target ≥ 0.95), the 429 and 2500021 answers received
// (target 0), and the peak memory (VmHWM) of each server process while a 100,000-row job runs
// (target < 200 MB). The server runs as separate process(es): SQLite for one, PostgreSQL + Redis
// for several (--processes N, which spreads the jobs over them). Rates are steady-state slopes
// (see perSecond). BENCH_TRACE=1 prints, per 429, how full the second before it was, and the first
// payroll calls' start→end times (where the time between two saves goes).
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { setPriority } from 'node:os'
import { rowsPerPart } from '../src/domain/jobs'
import { createSandboxApp } from '../server/sandbox/index'
import { sandboxCalls, sandboxEmployees, sandboxProcess, setKnobs, type SandboxCall } from '../tests/server/harness'
import { cluster, type Node } from '../tests/scale/cluster'

const flag = process.argv.indexOf('--processes')
const processes = flag >= 0 ? Math.max(1, Number(process.argv[flag + 1]) || 1) : 1
const latencies = (process.env.BENCH_LATENCIES ?? '20,300').split(',').map(Number)
/** BENCH_SCENARIOS=p1,p3,att (default all): which throughput scenarios run; BENCH_MEMORY=0 skips the 100,000-row job. */
const wanted = new Set((process.env.BENCH_SCENARIOS ?? 'p1,p3,att').split(','))

// The servers run the production bundle, as `npm start` does.
const build = spawnSync('npm', ['run', '--silent', 'build:server'], { stdio: 'inherit' })
if (build.status !== 0) process.exit(1)
const sb = await sandboxProcess()
// The sandbox stands for Feishu, which runs on machines of its own. Here it shares two cores with
// the app's server processes (and PostgreSQL and Redis): while it waits for a core, it stamps the
// calls that arrived meanwhile late and bunched together (measured: 30–46 ms stalls of its event
// loop that an idle process beside it did not have), and counts them against the limit as if the
// app had sent them so. Real Feishu gets no such jitter from our load, so the sandbox runs at a
// higher scheduling priority and its stamps measure the app's pacing, not the contention.
let sandboxNice = 'normal priority'
try {
  setPriority(sb.pid, -10)
  sandboxNice = 'nice -10'
} catch {
  sandboxNice = 'normal priority (raising it needs root): 429s may include CPU contention on this machine'
}
const c = cluster(sb.url, { entry: 'dist-server/index.mjs' })
const nodes: Node[] = []
for (let i = 0; i < processes; i++) {
  // One process: the embedded default (SQLite, in-process pacing). Several: PostgreSQL + Redis.
  nodes.push(await c.start(`bench-${i}`, processes === 1 ? { DATABASE_URL: '', REDIS_URL: '' } : {}))
}
console.info(`bench:jobs — ${processes} server process${processes > 1 ? 'es on PostgreSQL + Redis' : ' on SQLite'}, sandbox in its own process at ${sandboxNice}`)

const cookies = new Map<string, string>()
async function client(user: string, i: number) {
  const node = nodes[i % nodes.length]!
  const k = `${user}@${node.name}`
  if (!cookies.has(k)) cookies.set(k, await c.signIn(node, user))
  const cookie = cookies.get(k)!
  return (method: string, path: string, body?: unknown) => c.call(node, cookie, method, path, body)
}
type Call = Awaited<ReturnType<typeof client>>

/** Payroll saves are read back (confirmed / differs) beside the saves; the last jobs' counts are printed. */
const readBacks: Array<{ rows: number; confirmed: number; differs: number }> = []
async function waitAll(jobs: Array<{ call: Call; id: string }>) {
  for (const j of jobs) {
    for (;;) {
      const job = (await j.call('GET', `/api/jobs/${j.id}`)).json.job as { status: string; kind: string; counts: { succeeded: number }; checks?: { confirmed?: number; differs?: number } }
      if (['succeeded', 'finished_with_errors', 'failed', 'cancelled'].includes(job.status)) {
        if (job.kind === 'payroll_save') readBacks.push({ rows: job.counts.succeeded, confirmed: job.checks?.confirmed ?? 0, differs: job.checks?.differs ?? 0 })
        break
      }
      await new Promise((ok) => setTimeout(ok, 200))
    }
  }
}

/**
 * Events per second in the steady state: the least-squares slope of the event count over time,
 * from the first second on (a sliding-window limit lets a window's worth through at the start,
 * which would flatter the rate). A slope uses every event, where a count over whole windows or a
 * first-to-last spacing swings by a call depending on where a window's bunch is cut (±2–3 % with
 * ~50 calls). Call starts give the call rate, call ends the rows written per second.
 */
function perSecond(calls: SandboxCall[], at: (c: SandboxCall) => number = (c) => c.startMs): number {
  const times = calls.map(at).sort((a, b) => a - b)
  const steady = times.filter((t) => t >= times[0]! + 1000).map((t) => t / 1000)
  if (steady.length < 5) throw new Error(`too few calls after the first second (${steady.length}) to measure a rate`)
  const n = steady.length
  const meanT = steady.reduce((a, t) => a + t, 0) / n
  const meanI = (n - 1) / 2
  let cov = 0
  let varT = 0
  steady.forEach((t, i) => { cov += (t - meanT) * (i - meanI); varT += (t - meanT) ** 2 })
  return cov / varT
}

/**
 * `run` returns when its jobs are done, and the moment the last of them was created: the rates are
 * measured from then on (steady state), since jobs that are still being created cannot keep Feishu busy.
 */
async function scenario(label: string, api: string, ceiling: number, rowsPerCall: number, run: () => Promise<number>) {
  const key = label.startsWith('attendance') ? 'att' : label.includes('3 datasources') ? 'p3' : 'p1'
  if (!wanted.has(key)) return
  const since = Math.max(0, ...(await sandboxCalls(sb.url)).map((x) => x.seq))
  const steadyFrom = await run()
  const calls = await sandboxCalls(sb.url, { api, sinceSeq: since })
  const ok = calls.filter((x) => x.code === 0 && x.startMs >= steadyFrom)
  const throttled = calls.filter((x) => x.code === 99991400 || x.status === 429).length
  const locked = calls.filter((x) => x.code === 2500021).length
  if (process.env.BENCH_TRACE === '1') {
    // For each refused call: how many calls the sandbox saw in the second before it.
    for (const r of calls.filter((x) => x.code === 99991400 || x.status === 429)) {
      const before = calls.filter((x) => x.startMs > r.startMs - 1000 && x.startMs <= r.startMs && x.seq !== r.seq)
      console.info(`  429 at ${r.startMs} (+${r.startMs - calls[0]!.startMs} ms): ${before.length} calls in the second before it`)
    }
  }
  if (process.env.BENCH_TRACE === '1' && key !== 'att') {
    const t0 = ok[0]?.startMs ?? 0
    console.info('  calls (start→end ms, user):', ok.slice(0, 40).map((x) => `${x.startMs - t0}→${(x.endMs ?? 0) - t0}${x.user?.slice(0, 2) ?? ''}`).join(' '))
  }
  const rate = perSecond(ok)
  // rowsPerCall: the average as planned (the last call of a job carries the remainder).
  const rowsPerSecond = perSecond(ok, (x) => x.endMs ?? x.startMs) * rowsPerCall
  const mark = (r: number) => `${r.toFixed(3)} ${r >= 0.95 ? 'OK' : 'BELOW 0.95'}`
  console.info(`${label.padEnd(44)} ${String(ok.length).padStart(4)} calls · ${rate.toFixed(2)} calls/s of ${ceiling.toFixed(2)} → ${mark(rate / ceiling)} · ${rowsPerSecond.toFixed(0)} rows/s of ${(ceiling * rowsPerCall).toFixed(0)} → ${mark(rowsPerSecond / (ceiling * rowsPerCall))} · 429: ${throttled} · 2500021: ${locked}`)
  if (key !== 'att') {
    // Read-back is on for every payroll save: its queries share the reads' 10/s with the before-values.
    const reads = (await sandboxCalls(sb.url, { api: 'datasource_record.query', sinceSeq: since }))
    const jobs = readBacks.splice(0)
    const sum = (f: (r: typeof jobs[number]) => number) => jobs.reduce((n, r) => n + f(r), 0)
    const readRatio = rowsPerSecond / (ceiling * rowsPerCall)
    console.info(`${''.padEnd(44)} read-back on: ${sum((r) => r.confirmed)} of ${sum((r) => r.rows)} rows confirmed, ${sum((r) => r.differs)} differ · ${reads.length} record queries (429: ${reads.filter((x) => x.status === 429).length}) · write rate ${readRatio.toFixed(3)} of the ceiling → ${readRatio >= 0.9 ? 'OK (≥ 0.9)' : 'BELOW 0.9'}`)
  }
}

const people = await sandboxEmployees(sb.url, { status: 'hired', limit: 2400 })
// Attendance jobs of every hired employee (~48 calls each): long enough that the rate is the steady
// one, not that of the first and last seconds.
const members = people.filter((e) => e.user_id)
// The seed is deterministic: a local copy knows the same report field codes.
const codes = createSandboxApp({}).state.rules.get('7341290237441605652')!.fields.map((f) => f.code).slice(0, 40)
const SOURCES = ['attendance_deduction__c', 'sales_commission__c', 'yache19_8680__c'] as const
const valuesFor = (source: string, i: number) => (source === 'sales_commission__c' ? { deals_closed__c: String(i) } : source === 'yache19_8680__c' ? { yache22_8680__c: String(i % 9) } : { meal_allowance__c: String(i % 500) })
let run = 0

for (const latency of process.env.BENCH_ONLY === 'memory' ? [] : latencies) {
  await setKnobs(sb.url, { latencyMs: latency })
  run++
  const perSource = Math.min(10, 1000 / latency)
  // Every hired employee (~46 saves a job): enough calls for a steady rate at 300 ms a call too.
  const payrollRows = people.length
  await scenario(`payroll, 1 datasource, ${latency} ms/call`, 'datasource_record.save', perSource, 50, async () => {
    const call = await client('wangfang', 0)
    const res = await call('POST', '/api/jobs', { idempotency_key: `bench-p1-${run}-${Date.now()}`, kind: 'payroll_save', target: { type: 'payroll', source_code: SOURCES[0], payroll_period: `2011-${String(run).padStart(2, '0')}` }, rows: people.slice(0, payrollRows).map((e, i) => ({ row: i, employment_id: e.employment_id, values: valuesFor(SOURCES[0], i) })) })
    const steady = Date.now()
    await waitAll([{ call, id: (res.json.job as { id: string }).id }])
    return steady
  })
  await scenario(`payroll, 3 datasources at once, ${latency} ms/call`, 'datasource_record.save', Math.min(10, 3 * perSource), 50, async () => {
    const jobs = await Promise.all(SOURCES.map(async (source, k) => {
      const call = await client(k % 2 ? 'chenjing' : 'wangfang', k)
      const res = await call('POST', '/api/jobs', { idempotency_key: `bench-p3-${run}-${k}-${Date.now()}`, kind: 'payroll_save', target: { type: 'payroll', source_code: source, payroll_period: `2012-${String(run).padStart(2, '0')}` }, rows: people.slice(0, payrollRows).map((e, i) => ({ row: i, employment_id: e.employment_id, values: valuesFor(source, i) })) })
      return { call, id: (res.json.job as { id: string }).id }
    }))
    const steady = Date.now()
    await waitAll(jobs)
    return steady
  })
  await scenario(`attendance, 8 jobs × ${members.length} members, ${latency} ms/call`, 'archive_rule.upload_report', 50, members.length / Math.ceil(members.length / 50), async () => {
    const jobs = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(async (m) => {
      const call = await client('zhangwei', m)
      const month = `20${10 + run}${String(m).padStart(2, '0')}`
      const res = await call('POST', '/api/jobs', { idempotency_key: `bench-att-${run}-${m}-${Date.now()}`, kind: 'attendance_upload', target: { type: 'attendance', archive_rule_id: '7341290237441605652', month, employee_type: 'employee_id' }, rows: members.map((e, i) => ({ row: i, member_id: e.user_id, start_time: `${month}01`, end_time: `${month}28`, values: Object.fromEntries(codes.map((code, j) => [code, String((i + j) % 30)])) })) })
      return { call, id: (res.json.job as { id: string }).id }
    }))
    const steady = Date.now()
    await waitAll(jobs)
    return steady
  })
}

if (process.env.BENCH_MEMORY === '0') {
  await c.stop()
  await sb.close()
  process.exit(0)
}

// Memory: a 100,000-row job (attendance, 100,000 members — unknown to the sandbox, so each answer
// names them all — × 5 fields), created and run to the end; then each process's peak RSS.
await setKnobs(sb.url, { latencyMs: 20 })
// The peak is the 100,000-row job's own: the scenarios above (8 jobs created at once) peak on their
// own account, so each process's peak RSS is reset first (Linux: 5 > /proc/PID/clear_refs).
for (const n of nodes) {
  try { writeFileSync(`/proc/${n.child.pid}/clear_refs`, '5') } catch { console.info(`(could not reset the peak RSS of ${n.name}: it includes the scenarios)`) }
}
const big = await client('zhangwei', 0)
const t0 = performance.now()
// Sent in parts, as the app's createJob does (src/api/jobs.ts, rowsPerPart).
const bigRows = Array.from({ length: 100_000 }, (_, i) => ({ row: i + 2, member_id: `m${String(i).padStart(6, '0')}`, start_time: '20100101', end_time: '20100131', values: Object.fromEntries(codes.slice(0, 5).map((code, j) => [code, String((i + j) % 30)])) }))
const per = rowsPerPart(bigRows)
const res = await big('POST', '/api/jobs', { idempotency_key: `bench-big-${Date.now()}`, kind: 'attendance_upload', target: { type: 'attendance', archive_rule_id: '7341290237441605652', month: '201001', employee_type: 'employee_id' }, rows: bigRows.slice(0, per), draft: true })
const bigId = (res.json.job as { id: string }).id
for (let offset = per; offset < bigRows.length; offset += per) await big('POST', `/api/jobs/${bigId}/rows`, { offset, rows: bigRows.slice(offset, offset + per) })
await big('POST', `/api/jobs/${bigId}/start`)
const peakOf = (n: Node) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${n.child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
const afterCreate = nodes.map(peakOf)
await waitAll([{ call: big, id: bigId }])
console.info(`peak RSS once the job was created: ${afterCreate.map((m) => m.toFixed(0)).join(', ')} MB`)
for (const n of nodes) {
  const status = readFileSync(`/proc/${n.child.pid}/status`, 'utf8')
  const peakMb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024
  console.info(`100,000-row job (${((performance.now() - t0) / 1000).toFixed(0)} s): ${n.name} peak RSS ${peakMb.toFixed(0)} MB · limit 200 MB → ${peakMb < 200 ? 'OK' : 'OVER'}`)
}

await c.stop()
await sb.close()
