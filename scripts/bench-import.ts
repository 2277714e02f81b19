/**
 * npm run bench:import — reads a generated 100,000 × 30 workbook and CSV inside a worker in
 * headless Chromium, with read-excel-file and SheetJS (@e965/xlsx) reading the same workbook in
 * the same run. Prints times, ratios, the worker's peak memory and the longest main-thread task.
 * Every reader, ours and the peers, runs BENCH_RUNS times (default 3), in rounds, and is judged by its median;
 * its memory is sampled in one more run (sampling slows the workers it samples: see runOurs).
 * Each reader is timed from handing the file to a worker that is already up with its code loaded
 * (ours warmed with its inflate helper, as the import page does when it opens; each peer's worker
 * with its library imported) to having the rows, so worker start-up is in no reader's figure.
 * Targets (issue 4): xlsx ≤ 2 s and ≥ 5× both peers; CSV ≤ 1 s; worker peak ≤ 3× file size;
 * main thread never blocked > 50 ms while reading.
 * First (issue 17): a 100,000 × 30 Feishu Sheet read through the sandbox with 50 ms added per call
 * (bench-feishu-sheet.ts): rows/s, the share of time waiting on Feishu, and the ratio to the ceiling
 * Feishu's limits allow. BENCH_FEISHU=0 leaves it out; BENCH_ONLY=feishu runs only it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { extname, join, resolve } from 'node:path'
import { chromium, type CDPSession } from 'playwright-core'
import { pathToFileURL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { build } from 'vite'

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const PEERS = process.env.BENCH_PEERS !== '0'
const root = resolve(import.meta.dirname, '..')
const cache = join(root, 'node_modules/.cache/bench-import')
const GEN_VERSION = 2

/**
 * The generator lives beside the bench page in src/import/bench (it uses the app's xlsx writer).
 * It is loaded by URL so this Node script's type check does not pull the browser code in.
 */
async function generator(): Promise<{ benchXlsx(rows: number): Uint8Array; benchCsv(rows: number): string }> {
  return import(pathToFileURL(join(root, 'src/import/bench/generate.ts')).href)
}

async function prepareFiles(): Promise<{ xlsx: string; csv: string }> {
  const { benchCsv, benchXlsx } = await generator()
  mkdirSync(cache, { recursive: true })
  const xlsx = join(cache, `bench-${ROWS}-v${GEN_VERSION}.xlsx`)
  const csv = join(cache, `bench-${ROWS}-v${GEN_VERSION}.csv`)
  if (!existsSync(xlsx)) {
    const t = Date.now()
    writeFileSync(xlsx, benchXlsx(ROWS))
    console.info(`generated ${xlsx} in ${Date.now() - t} ms`)
  }
  if (!existsSync(csv)) writeFileSync(csv, benchCsv(ROWS))
  return { xlsx, csv }
}

async function buildPage(): Promise<string> {
  const outDir = join(cache, 'page')
  await build({
    configFile: false,
    plugins: [vue()],
    root: join(root, 'src/import/bench'),
    base: './',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: process.env.BENCH_MINIFY !== '0', reportCompressedSize: false },
    worker: { format: 'es' },
  })
  return outDir
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.xlsx': 'application/octet-stream', '.csv': 'text/csv' }

function serve(pageDir: string, files: Record<string, string>): Promise<{ url: string; close: () => void }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const file = path.startsWith('/data/') ? files[path.slice(6)] : join(pageDir, path === '/' ? 'index.html' : path)
    if (!file || !file.startsWith(cache) || !existsSync(file) || statSync(file).isDirectory()) { res.writeHead(404).end(); return }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
    res.end(readFileSync(file))
  })
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => {
    const a = server.address()
    ok({ url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, close: () => { server.closeAllConnections(); server.close() } })
  }))
}

/**
 * Samples every worker's heap (JS heap + ArrayBuffer backing stores) over CDP, including workers
 * started by workers (the import worker's inflate helper): the figure is the sum over all live
 * workers of each one's latest sample, so memory moved to a helper is still counted.
 */
async function memorySampler(cdp: CDPSession) {
  /** Worker sessions by key (path of session ids from the page), with each one's latest sample. */
  const workers = new Map<string, { path: string[]; bytes: number; buffers: number }>()
  let peak = 0
  let seq = 1
  let t0 = Date.now()
  /** BENCH_TRACE=1: every sample (ms since reset, bytes summed over workers, workers), to see where a peak happens. */
  const trace: Array<[number, number, number, number]> = []
  /** Sends a CDP message to the worker at `path`, wrapping it once per level of nesting. */
  const sendTo = (path: string[], message: string): void => {
    let msg = message
    for (let i = path.length - 1; i > 0; i--) {
      msg = JSON.stringify({ id: seq++, method: 'Target.sendMessageToTarget', params: { sessionId: path[i], message: msg } })
    }
    void cdp.send('Target.sendMessageToTarget', { sessionId: path[0] as string, message: msg }).catch(() => undefined)
  }
  /** BENCH_PROFILE=1: a CPU profile of every worker, from its start; answers to Profiler.stop by request id. */
  const profiling = process.env.BENCH_PROFILE === '1'
  const stops = new Map<number, (profile: CpuProfile) => void>()
  const attached = (path: string[]): void => {
    workers.set(path.join('/'), { path, bytes: 0, buffers: 0 })
    if (profiling) {
      sendTo(path, JSON.stringify({ id: seq++, method: 'Profiler.enable' }))
      sendTo(path, JSON.stringify({ id: seq++, method: 'Profiler.setSamplingInterval', params: { interval: 250 } }))
      sendTo(path, JSON.stringify({ id: seq++, method: 'Profiler.start' }))
    }
    // Nested workers are only auto-attached when their parent asks for it.
    sendTo(path, JSON.stringify({ id: seq++, method: 'Target.setAutoAttach', params: { autoAttach: true, waitForDebuggerOnStart: false, flatten: false } }))
  }
  const detached = (path: string[]): void => {
    const key = path.join('/')
    for (const k of [...workers.keys()]) if (k === key || k.startsWith(`${key}/`)) workers.delete(k)
  }
  const fromWorker = (path: string[], raw: string): void => {
    const msg = JSON.parse(raw) as {
      id?: number
      method?: string
      params?: { sessionId?: string; message?: string; targetInfo?: { type: string } }
      result?: { usedSize?: number; backingStorageSize?: number; profile?: CpuProfile }
    }
    if (msg.id !== undefined && msg.result?.profile) { stops.get(msg.id)?.(msg.result.profile); return }
    if (msg.method === 'Target.attachedToTarget' && msg.params?.targetInfo?.type === 'worker' && msg.params.sessionId) attached([...path, msg.params.sessionId])
    else if (msg.method === 'Target.detachedFromTarget' && msg.params?.sessionId) detached([...path, msg.params.sessionId])
    else if (msg.method === 'Target.receivedMessageFromTarget' && msg.params?.sessionId && msg.params.message) fromWorker([...path, msg.params.sessionId], msg.params.message)
    else if (msg.result?.usedSize !== undefined) {
      const w = workers.get(path.join('/'))
      if (!w) return
      w.bytes = msg.result.usedSize + (msg.result.backingStorageSize ?? 0)
      w.buffers = msg.result.backingStorageSize ?? 0
      let sum = 0
      let buffers = 0
      for (const x of workers.values()) { sum += x.bytes; buffers += x.buffers }
      peak = Math.max(peak, sum)
      if (process.env.BENCH_TRACE === '1') trace.push([Date.now() - t0, sum, workers.size, buffers])
    }
  }
  cdp.on('Target.attachedToTarget', (e) => { if (e.targetInfo.type === 'worker') attached([e.sessionId]) })
  cdp.on('Target.detachedFromTarget', (e) => { if (e.sessionId) detached([e.sessionId]) })
  cdp.on('Target.receivedMessageFromTarget', (e) => { if (e.sessionId) fromWorker([e.sessionId], e.message) })
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false })
  let sampling = false
  const timer = setInterval(() => {
    if (!sampling || process.env.BENCH_MEM === '0') return
    for (const { path } of workers.values()) sendTo(path, JSON.stringify({ id: seq++, method: 'Runtime.getHeapUsage' }))
  }, 20)
  return {
    /** Starts sampling afresh (on) or stops it (off: timed runs are not sampled, see main). */
    reset: (on: boolean) => { sampling = on; peak = 0; t0 = Date.now(); trace.length = 0 },
    peak: () => peak,
    stop: () => clearInterval(timer),
    /** Stops the profiles of the live workers: self time by function, per worker (depth 1 = import worker, 2 = its helper). */
    profiles: async (): Promise<string[]> => {
      const out: string[] = []
      for (const { path } of workers.values()) {
        const id = seq++
        const profile = await Promise.race([
          new Promise<CpuProfile>((ok) => { stops.set(id, ok); sendTo(path, JSON.stringify({ id, method: 'Profiler.stop' })) }),
          new Promise<null>((ok) => setTimeout(() => ok(null), 5000)),
        ])
        if (profile) out.push(`worker depth ${path.length}: ${selfTimes(profile)}`)
      }
      return out
    },
    /** ms:total MB/of which ArrayBuffers MB, every 5th sample. */
    trace: () => trace.filter((_, i) => i % 5 === 0).map(([t, b, n, ab]) => `${t}:${(b / 1048576).toFixed(0)}/${(ab / 1048576).toFixed(0)}${n > 1 ? `(${n}w)` : ''}`).join(' '),
  }
}

interface CpuProfile { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[]; positionTicks?: Array<{ line: number; ticks: number }> }>; samples: number[]; timeDeltas: number[] }

/**
 * The 25 functions with the most self time in a profile (name:line ms). BENCH_PROFILE_UNDER=name
 * counts only samples taken inside calls of that function (e.g. validateAll; needs BENCH_MINIFY=0).
 */
function selfTimes(profile: CpuProfile): string {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]))
  const under = process.env.BENCH_PROFILE_UNDER
  const inside = new Set<number>()
  if (under) {
    const mark = (id: number): void => { inside.add(id); for (const c of byNode.get(id)?.children ?? []) mark(c) }
    for (const n of profile.nodes) if (n.callFrame.functionName === under && !inside.has(n.id)) mark(n.id)
  }
  const ms = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    if (under && !inside.has(id)) return
    const f = byNode.get(id)?.callFrame
    const key = f ? `${f.functionName || '(anon)'}:${f.lineNumber}` : '?'
    ms.set(key, (ms.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000)
  })
  const top = [...ms].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')
  // BENCH_PROFILE_LINES=name: that function's samples by line of the bundle (ticks), hottest first.
  const linesOf = process.env.BENCH_PROFILE_LINES
  if (!linesOf) return top
  const ticks = new Map<number, number>()
  for (const n of profile.nodes) {
    if (n.callFrame.functionName !== linesOf || (under && !inside.has(n.id))) continue
    for (const p of n.positionTicks ?? []) ticks.set(p.line, (ticks.get(p.line) ?? 0) + p.ticks)
  }
  return `${top}\n    lines of ${linesOf}: ${[...ticks].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([l, t]) => `${l}:${t}`).join(' ')}`
}

/** Medians over the runs of the reader's own figures (ms unless named otherwise). */
function statsLine(runs: ReadonlyArray<object>): string {
  const all = runs.map((r) => (r as { stats?: Record<string, number> | null }).stats).filter((x): x is Record<string, number> => !!x)
  if (!all.length) return ''
  return Object.keys(all[0] as object).map((k) => `${k.replace(/Ms$/, '')} ${median(all.map((x) => x[k] ?? 0)).toFixed(0)}`).join(', ')
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] as number

async function main() {
  // Issue 17: a Feishu Sheet of the same size, read through the sandbox (scripts/bench-feishu-sheet.ts).
  if (process.env.BENCH_FEISHU !== '0') {
    const { benchFeishuSheet } = await import('./bench-feishu-sheet')
    await benchFeishuSheet()
    if (process.env.BENCH_ONLY === 'feishu') return
  }
  const files = await prepareFiles()
  const pageDir = await buildPage()
  const server = await serve(pageDir, { 'bench.xlsx': files.xlsx, 'bench.csv': files.csv })
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(process.env.BENCH_JS_FLAGS ? [`--js-flags=${process.env.BENCH_JS_FLAGS}`] : [])],
  })
  try {
    const page = await browser.newPage()
    page.on('pageerror', (e) => console.error('page error:', e.message))
    await page.goto(`${server.url}/`)
    await page.waitForFunction(() => (window as unknown as { benchReady?: boolean }).benchReady === true)
    const mem = await memorySampler(await page.context().newCDPSession(page))
    const xlsxSize = statSync(files.xlsx).size
    const csvSize = statSync(files.csv).size
    console.info(`\nfile: ${ROWS.toLocaleString()} rows × 30 columns — xlsx ${mb(xlsxSize)}, csv ${mb(csvSize)} (UTF-8)\n`)

    type Ours = { readMs: number; validateMs: number; checkMs: number; totalMs: number; rows: number; errors: number; longTaskMax: number; longTasks: number; maxGapMs: number; mapped: number; firstRow: unknown }
    // Timed runs are not sampled, ours and the peers' alike: the sampler's CDP calls stop a worker
    // every 20 ms, and a nested worker's (our inflate helper's) are routed through its parent, so
    // sampling slowed our reader by ~30 % (and the peers, with heaps of hundreds of MB, too).
    // Memory is taken from one more, sampled, run of every reader.
    type Tuning = { inflater?: string }
    type OursRun = Ours & { peak: number }
    const oursOnce = async (name: string, tuning: Tuning | undefined, sampled: boolean): Promise<OursRun> => {
      mem.reset(sampled)
      const r = await page.evaluate(([u, n, t]) => (window as unknown as { runOurs: (u: string, n: string, t?: Tuning) => Promise<Ours> }).runOurs(u, n, t), [`/data/${name}`, name, tuning] as const)
      await page.waitForTimeout(100)
      const peak = sampled ? mem.peak() : 0
      if (sampled && process.env.BENCH_PROFILE === '1') for (const line of await mem.profiles()) console.info(`  profile ${name} ${line}`)
      if (sampled && process.env.BENCH_TRACE === '1') console.info(`  trace ${name} (read ends ${r.readMs.toFixed(0)} ms, validate ${r.validateMs.toFixed(0)} ms): ${mem.trace()}`)
      await page.evaluate(() => (window as unknown as { disposeOurs: () => void }).disposeOurs())
      return { ...r, peak }
    }
    /** Timed runs, then the sampled one; its peak and time go on the result. */
    const withMemory = async (name: string, runs: OursRun[], tuning?: Tuning) => {
      const sampled = await oursOnce(name, tuning, true)
      for (const r of runs) r.peak = sampled.peak
      return Object.assign(runs, { sampledMs: sampled.totalMs })
    }
    const runOurs = async (name: string, tuning?: Tuning) => {
      const runs: OursRun[] = []
      for (let i = 0; i < RUNS; i++) runs.push(await oursOnce(name, tuning, false))
      return withMemory(name, runs, tuning)
    }
    // BENCH_COMPARE=1: only our reader, its ways taken in turn (run 1 of each, run 2 of each, …) so
    // that the machine's slow and fast spells fall on all of them alike; then stop.
    if (process.env.BENCH_COMPARE === '1') {
      const ways: Array<[string, Tuning]> = [['helper', {}], ['no helper', { inflater: 'native' }]]
      const got = new Map<string, Ours[]>(ways.map(([k]) => [k, []]))
      for (let i = 0; i < RUNS; i++) for (const [k, t] of ways) got.get(k)?.push(await oursOnce('bench.xlsx', t, false))
      mem.stop()
      for (const [k, runs] of got) console.info(`${k.padEnd(22)} ${s(median(runs.map((r) => r.totalMs)))} (read ${s(median(runs.map((r) => r.readMs)))}, validate ${s(median(runs.map((r) => r.validateMs)))}); ${statsLine(runs)}`)
      return
    }

    type PeerRun = { ms: number; insideMs?: number; ok: boolean; rows?: number; error?: string; longTaskMax: number }
    const LIBS = PEERS ? (['read-excel-file', 'sheetjs'] as const) : []
    const peerOnce = async (lib: string, sampled: boolean): Promise<PeerRun & { peak: number }> => {
      mem.reset(sampled)
      // A peer that runs out of memory kills its worker without an error event: give up after 120 s.
      const r = await Promise.race([
        page.evaluate(([l, u]) => (window as unknown as { runPeer: (l: string, u: string, n: string) => Promise<PeerRun> }).runPeer(l, u, 'bench.xlsx'), [lib, '/data/bench.xlsx'] as const),
        new Promise<PeerRun>((ok) => setTimeout(() => ok({ ms: 120_000, ok: false, error: 'no answer within 120 s (worker crashed?)', longTaskMax: 0 }), 120_000)),
      ])
      await page.waitForTimeout(100)
      return { ...r, peak: sampled ? mem.peak() : 0 }
    }
    // Rounds: in each, our xlsx, our csv and every peer once, so a slow or fast spell of this shared
    // machine falls on all of them alike (the ratios are what the targets judge). Each reader is
    // judged by its median; a peer's first run pays for compiling the library, as ours does.
    const xlsxTimed: OursRun[] = []
    const csvTimed: OursRun[] = []
    const peerTimed = new Map<string, PeerRun[]>(LIBS.map((l) => [l, []]))
    for (let i = 0; i < RUNS; i++) {
      xlsxTimed.push(await oursOnce('bench.xlsx', undefined, false))
      csvTimed.push(await oursOnce('bench.csv', undefined, false))
      for (const [lib, runs] of peerTimed) if (runs.every((r) => r.ok)) runs.push(await peerOnce(lib, false))
    }
    const xlsxRuns = await withMemory('bench.xlsx', xlsxTimed)
    const split = (r: Ours) => `${s(r.totalMs)} (${r.readMs.toFixed(0)}+${r.validateMs.toFixed(0)}, checks ${r.checkMs.toFixed(0)})`
    console.info(`  ours xlsx: ${xlsxRuns.map(split).join(', ')}; ${statsLine(xlsxRuns)}`)
    const csvRuns = await withMemory('bench.csv', csvTimed)
    console.info(`  ours csv: ${csvRuns.map(split).join(', ')}`)
    // fflate is only the fallback where DecompressionStream is missing; it is ~10× slower in Chromium.
    const fflateRuns = process.env.BENCH_FFLATE === '1' ? await runOurs('bench.xlsx', { inflater: 'fflate' }) : []
    if (fflateRuns.length) console.info(`  ours xlsx (fflate): ${fflateRuns.map((r) => s(r.totalMs)).join(', ')}`)
    // BENCH_INLINE=1: the same reader with the sheet inflated in the import worker itself (no helper), for comparison.
    const inlineRuns = process.env.BENCH_INLINE === '1' ? await runOurs('bench.xlsx', { inflater: 'native' }) : []
    if (inlineRuns.length) console.info(`  ours xlsx (no helper): ${inlineRuns.map((r) => s(r.totalMs)).join(', ')}; ${statsLine(inlineRuns)}`)
    const peers: Record<string, { ms: number; runs: number[]; rows?: number; ok: boolean; error?: string; peak: number; longTaskMax: number }> = {}
    for (const [lib, runs] of peerTimed) {
      const ok = runs.every((r) => r.ok)
      const peak = ok ? (await peerOnce(lib, true)).peak : 0
      const ms = median(runs.map((r) => r.ms))
      peers[lib] = { ...runs[0]!, ok, ms, runs: runs.map((r) => r.ms), peak, longTaskMax: Math.max(...runs.map((r) => r.longTaskMax)), ...(ok ? {} : { error: runs.find((r) => !r.ok)?.error }) }
      console.info(`  ${lib}: ${ok ? runs.map((r) => s(r.ms)).join(', ') : 'failed'} (inside its worker: ${runs.map((r) => (r.insideMs === undefined ? '?' : s(r.insideMs))).join(', ')})`)
    }
    mem.stop()

    const line = (label: string, runs: Array<Ours & { peak: number }> & { sampledMs?: number }, size: number) => {
      const total = median(runs.map((r) => r.totalMs))
      const read = median(runs.map((r) => r.readMs))
      const validate = median(runs.map((r) => r.validateMs))
      const peak = Math.max(...runs.map((r) => r.peak))
      const longest = Math.max(...runs.map((r) => r.longTaskMax))
      console.info(`${label.padEnd(26)} read ${s(read)} + validate ${s(validate)} = ${s(total)} (median of ${runs.length}: ${runs.map((r) => s(r.totalMs)).join(', ')}); rows ${runs[0]?.rows}; mapped ${runs[0]?.mapped}/30; errors ${runs[0]?.errors}`)
      console.info(`${''.padEnd(26)} worker peak ${mb(peak)} = ${(peak / size).toFixed(2)}× file (sampled run, ${s(runs.sampledMs ?? 0)}); longest main-thread task ${longest.toFixed(0)} ms (${runs.reduce((a, r) => a + r.longTasks, 0)} long tasks), largest timer gap ${Math.max(...runs.map((r) => r.maxGapMs)).toFixed(0)} ms`)
      return { total, read, peak, longest }
    }
    const ours = line('ours xlsx (native inflate)', xlsxRuns, xlsxSize)
    const oursF = fflateRuns.length ? line('ours xlsx (fflate inflate)', fflateRuns, xlsxSize) : ours
    if (inlineRuns.length) line('ours xlsx (no helper)', inlineRuns, xlsxSize)
    const csv = line('ours csv', csvRuns, csvSize)
    console.info(`first row: ${JSON.stringify(xlsxRuns[0]?.firstRow).slice(0, 200)}`)
    for (const [lib, r] of Object.entries(peers)) {
      console.info(`${lib.padEnd(26)} read ${r.ok ? `${s(r.ms)} (median of ${r.runs.length}: ${r.runs.map(s).join(', ')})` : `FAILED ${r.error}`}; rows ${r.rows}; worker peak ${mb(r.peak)}; longest main-thread task ${r.longTaskMax.toFixed(0)} ms`)
    }
    // The review grid: 100k rows scrolled end to end, then screenshots of a file with errors.
    // BENCH_UI=0 skips it (for quick runs while working on the readers).
    if (process.env.BENCH_UI !== '0') {
      const ui = await browser.newPage({ viewport: { width: 1280, height: 900 } })
      ui.on('pageerror', (e) => console.error('ui page error:', e.message))
      ui.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.error('ui console:', m.text().slice(0, 300)) })
      await ui.goto(`${server.url}/`)
      await ui.waitForFunction(() => (window as unknown as { benchReady?: boolean }).benchReady === true)
      const mounted = await ui.evaluate(() => (window as unknown as { mountUi: (s: object, l: string) => Promise<unknown> }).mountUi({ url: '/data/bench.xlsx', name: 'bench.xlsx' }, 'zh-CN'))
      console.info(`ui: ${JSON.stringify(mounted)}`)
      await ui.waitForSelector('[data-test="row"]')
      const scroll = await ui.evaluate(() => (window as unknown as { scrollGrid: (n: number) => Promise<{ longTaskMax: number; maxFrameMs: number; rendered: number; lastRow: string }> }).scrollGrid(120))
      console.info(`grid at ${ROWS.toLocaleString()} rows: scrolled top to bottom in 120 steps; longest main-thread task ${scroll.longTaskMax.toFixed(0)} ms, slowest frame ${scroll.maxFrameMs.toFixed(0)} ms, ${scroll.rendered} rows in the DOM, last row ${scroll.lastRow}`)
      await ui.close()
      const shotsDir = join(root, 'e2e/screenshots')
      for (const [width, locale] of [[1280, 'zh-CN'], [375, 'zh-CN'], [1280, 'en-US'], [375, 'en-US']] as const) {
        const shot = await browser.newPage({ viewport: { width, height: 900 } })
        await shot.goto(`${server.url}/`)
        await shot.waitForFunction(() => (window as unknown as { benchReady?: boolean }).benchReady === true)
        const text = ['工号,姓名,部门,职位,入职日期,算薪期间,薪资项1,薪资项2,备注', '00000001,王伟,财务部,会计,2020/3/5,2024-01,12500.5,abc,', '00000002,李娜,研发一部,工程师,05/01/2021,2024-01,9800,120.555,', '00000001,王伟,财务部,会计,2020-03-05,2024-01,1,2,重复', '00000004,张敏,销售部,经理,2019-11-30,2023-13,15000,0,', ',赵强,行政部,专员,2022-07-01,2024-01,6000,0,']
        await shot.evaluate(([t, l]) => (window as unknown as { mountUi: (s: object, l: string) => Promise<unknown> }).mountUi({ text: t, name: 'pay.csv' }, l), [text.join('\n'), locale] as const)
        await shot.waitForSelector(width < 600 ? '[data-test="card"]' : '[data-test="row"]')
        await shot.screenshot({ path: join(shotsDir, `import-grid-${locale}-${width}.png`), fullPage: width < 600 })
        await shot.close()
      }
      console.info(`screenshots: e2e/screenshots/import-grid-{zh-CN,en-US}-{1280,375}.png`)
    }

    const best = Math.min(ours.total, oursF.total)
    console.info('\nratios (peer read time ÷ our read+validate time):')
    for (const [lib, r] of Object.entries(peers)) if (r.ok) console.info(`  ${lib}: ${(r.ms / best).toFixed(1)}× (reading only: ${(r.ms / Math.min(ours.read, oursF.read)).toFixed(1)}×)`)
    const check = (ok: boolean, text: string) => console.info(`  ${ok ? 'PASS' : 'MISS'}  ${text}`)
    console.info('\ntargets:')
    check(best <= 2000, `xlsx read+validate ≤ 2 s: ${s(best)}`)
    for (const [lib, r] of Object.entries(peers)) if (r.ok) check(r.ms / best >= 5, `≥ 5× faster than ${lib}: ${(r.ms / best).toFixed(1)}×`)
    check(csv.total <= 1000, `csv read+validate ≤ 1 s: ${s(csv.total)}`)
    check(ours.peak <= 3 * xlsxSize, `xlsx worker peak ≤ 3× file: ${(ours.peak / xlsxSize).toFixed(2)}×`)
    check(csv.peak <= 3 * csvSize, `csv worker peak ≤ 3× file: ${(csv.peak / csvSize).toFixed(2)}×`)
    check(Math.max(ours.longest, oursF.longest, csv.longest) <= 50, `main thread never blocked > 50 ms: longest task ${Math.max(ours.longest, oursF.longest, csv.longest).toFixed(0)} ms`)
  } finally {
    await browser.close()
    server.close()
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1 })
