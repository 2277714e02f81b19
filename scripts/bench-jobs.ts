// `npm run bench:jobs`: how close the job runner gets to Feishu's documented ceilings, against the
// sandbox over real HTTP with a realistic 40 ms per call: payroll saves (10 calls/s per app, one
// save at a time per datasource) and archive report uploads (50 calls/s). Prints calls/s, the ratio
// to the ceiling (target ≥ 0.95), rows/s, and any 429 / 2500021 the app caused (target 0).
import { createSandboxApp } from '../server/sandbox/index'
import { sandboxCalls, sandboxEmployees, sandboxProcess, setKnobs, startStack, waitForJob } from '../tests/server/harness'

// The sandbox runs in its own process, as Feishu would: its clock must not stall with the app's.
const stack = await startStack({ sandbox: await sandboxProcess() })
const sb = stack.sandbox
await setKnobs(sb.url, { latencyMs: 40 })

async function measure(label: string, api: string, ceiling: number, run: () => Promise<void>) {
  const since = Math.max(0, ...(await sandboxCalls(sb.url)).map((c) => c.seq))
  const t0 = performance.now()
  await run()
  const seconds = (performance.now() - t0) / 1000
  const calls = await sandboxCalls(sb.url, { api, sinceSeq: since })
  const starts = calls.map((c) => c.startMs).sort((a, b) => a - b)
  // Calls per second over the whole 1 s windows the calls span (Feishu counts per window; the
  // last, partial window would flatter the figure). Excludes job creation and the final poll.
  const windows = Math.floor((starts.at(-1)! - starts[0]!) / 1000)
  const rate = windows >= 1 ? starts.filter((t) => t < starts[0]! + windows * 1000).length / windows : calls.length
  const throttled = calls.filter((c) => c.code === 99991400 || c.code === 2500021).length
  console.info(`${label.padEnd(34)} ${calls.length} calls in ${seconds.toFixed(2)} s · ${rate.toFixed(2)} calls/s · ceiling ${ceiling}/s · ratio ${(rate / ceiling).toFixed(3)} ${rate / ceiling >= 0.95 ? 'OK' : 'BELOW 0.95'} · 429/2500021 caused: ${throttled}`)
}

const people = await sandboxEmployees(sb.url, { status: 'hired', limit: 2400 })
const payroll = await stack.signedIn('wangfang')
await measure('payroll save, 2,000 records', 'datasource_record.save', 10, async () => {
  const res = await payroll.request('POST', '/api/jobs', {
    idempotency_key: `bench-payroll-${Date.now()}`, kind: 'payroll_save', target: { type: 'payroll', source_code: 'attendance_deduction__c', payroll_period: '2021-01' },
    rows: people.slice(0, 2000).map((e, i) => ({ row: i, employment_id: e.employment_id, values: { meal_allowance__c: String(i % 500), deduction_note__c: `bench ${i}` } })),
  })
  await waitForJob(payroll, (res.json.job as { id: string }).id, undefined, 600_000)
})

const attendance = await stack.signedIn('zhangwei')
const rnd = await sandboxEmployees(sb.url, { department: 'RND', limit: 2400 })
// The seed is deterministic: a local copy knows the same report field codes.
const codes = createSandboxApp({}).state.rules.get('7341290237441605652')!.fields.map((f) => f.code)
await measure(`attendance upload, ${rnd.length} members × ${codes.length}`, 'archive_rule.upload_report', 50, async () => {
  // Several jobs at once, as several admins would: the one limiter is shared by all of them.
  const jobs = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((k) => attendance.request('POST', '/api/jobs', {
    idempotency_key: `bench-att-${Date.now()}-${k}`, kind: 'attendance_upload', target: { type: 'attendance', archive_rule_id: '7341290237441605652', month: `20200${k + 1}`, employee_type: 'employee_id' },
    rows: rnd.map((e, i) => ({ row: i, member_id: e.user_id, start_time: `20200${k + 1}01`, end_time: `20200${k + 1}28`, values: Object.fromEntries(codes.map((c, j) => [c, String((i + j) % 30)])) })),
  })))
  for (const j of jobs) await waitForJob(attendance, (j.json.job as { id: string }).id, undefined, 600_000)
})

await stack.close()
