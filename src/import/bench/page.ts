/** The bench page: runs our worker and the peers on a file served by scripts/bench-import.ts. */
import { ImportClient, workerTransport } from '../client'
import { benchSchema } from './schema'
import type { ReadTuning } from '../protocol'

interface Watch { longTaskMax: number; longTasks: number; maxGapMs: number }

let longTasks: number[] = []
new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration) }).observe({ type: 'longtask' })

/** Watches the main thread while `run` is in flight: long tasks (> 50 ms) and the largest timer gap. */
async function watched<T>(run: () => Promise<T>): Promise<T & Watch> {
  longTasks = []
  let last = performance.now()
  let maxGapMs = 0
  const timer = setInterval(() => {
    const t = performance.now()
    maxGapMs = Math.max(maxGapMs, t - last)
    last = t
  }, 5)
  try {
    const result = await run()
    return { ...result, longTaskMax: Math.max(0, ...longTasks), longTasks: longTasks.length, maxGapMs }
  } finally {
    clearInterval(timer)
  }
}

async function load(url: string, name: string): Promise<File> {
  const blob = await (await fetch(url)).blob()
  return new File([blob], name)
}

const w = window as unknown as Record<string, unknown>

w.runOurs = async (url: string, name: string, tuning?: ReadTuning) => {
  const file = await load(url, name)
  const client = new ImportClient(workerTransport)
  // As the import page does when it opens: the worker and its helper are up before the file comes.
  await client.warm()
  const result = await watched(async () => {
    const t0 = performance.now()
    const opened = await client.open(file, name, benchSchema, null, undefined, tuning)
    const t1 = performance.now()
    if (!opened.sheet) throw new Error('no sheet')
    const summary = await client.applyMapping(opened.sheet.proposal.matches)
    const t2 = performance.now()
    return { readMs: t1 - t0, validateMs: t2 - t1, totalMs: t2 - t0, checkMs: summary.validateMs, rows: opened.sheet.rowCount, errors: summary.errors, warnings: summary.warnings, mapped: opened.sheet.proposal.matches.filter((m) => m.field).length, allExact: opened.sheet.proposal.allExact, encoding: opened.encoding, stats: opened.sheet.readStats }
  })
  const page = await client.rows('all', 'sheet', 0, 2)
  w.lastClient = client
  return { ...result, firstRow: page.rows[0]?.cells ?? null }
}

w.disposeOurs = () => { (w.lastClient as ImportClient | undefined)?.dispose(); w.lastClient = undefined }

/**
 * A peer reads the file in a worker of its own. Timed like ours (runOurs): from the main thread,
 * from handing the file to a worker that is already up with its code loaded (ours: worker and
 * helper warmed, as the import page does) to having the rows. `insideMs` is the peer's own
 * reading time, measured in its worker.
 */
w.runPeer = async (lib: 'read-excel-file' | 'sheetjs', url: string, name: string) => {
  const file = await load(url, name)
  let worker: Worker | undefined
  try {
    const peer = new Worker(new URL('./peer-worker.ts', import.meta.url), { type: 'module' })
    worker = peer
    const loaded = await new Promise<{ ok: boolean; error?: string }>((resolve) => {
      peer.onmessage = (e: MessageEvent<{ ok: boolean; error?: string }>) => resolve(e.data)
      peer.onerror = (e) => resolve({ ok: false, error: e.message })
      peer.postMessage({ lib })
    })
    if (!loaded.ok) return { ok: false, ms: 0, error: loaded.error, longTaskMax: 0 }
    return await watched(() => new Promise<{ ok: boolean; ms: number; insideMs?: number; rows?: number; error?: string }>((resolve) => {
      const t0 = performance.now()
      peer.onmessage = (e: MessageEvent<{ ok: boolean; ms: number; rows?: number; error?: string }>) => resolve({ ...e.data, insideMs: e.data.ms, ms: performance.now() - t0 })
      peer.onerror = (e) => resolve({ ok: false, ms: 0, error: e.message })
      peer.postMessage({ lib, file })
    }))
  } finally {
    worker?.terminate()
  }
}

w.benchReady = true

// ------------------------------------------------------------ the review UI, for screenshots and scrolling at 100k rows

w.mountUi = async (source: { url?: string; text?: string; name: string }, locale: 'zh-CN' | 'en-US') => {
  const [{ createApp, h }, { createPinia }, { createAppI18n }, { arcoComponents }, { default: ImportFlow }, { useImportStore }] = await Promise.all([
    import('vue'), import('pinia'), import('../../i18n'), import('../../modules/arco'), import('../../components/import/ImportFlow.vue'), import('../../stores/import'),
  ])
  await import('../../styles/main.css')
  const file = source.url ? await load(source.url, source.name) : new File([source.text ?? ''], source.name)
  const pinia = createPinia()
  const app = createApp({ render: () => h('div', { style: 'padding: 12px; max-width: 1280px' }, [h(ImportFlow, { schema: benchSchema, target: { kind: 'payroll', id: 'bench' } })]) })
  app.use(pinia).use(createAppI18n(locale))
  for (const c of arcoComponents) app.use(c)
  app.mount('#app')
  const store = useImportStore(pinia)
  await store.open(file)
  return { stage: store.stage, rows: store.summary?.rows ?? 0 }
}

/** Scrolls the virtualised table from top to bottom in steps; returns the longest main-thread task seen. */
w.scrollGrid = async (steps: number) => {
  const table = document.querySelector('[data-test="table"]') as HTMLElement | null
  if (!table) throw new Error('no table')
  longTasks = []
  const frames: number[] = []
  let last = performance.now()
  for (let i = 1; i <= steps; i++) {
    table.scrollTop = (table.scrollHeight * i) / steps
    await new Promise((r) => requestAnimationFrame(() => r(null)))
    const t = performance.now()
    frames.push(t - last)
    last = t
  }
  await new Promise((r) => setTimeout(r, 300))
  const rendered = document.querySelectorAll('[data-test="row"]').length
  const lastRow = (document.querySelectorAll('[data-test="row"] .c-row')[rendered - 1] as HTMLElement | undefined)?.textContent
  return { longTaskMax: Math.max(0, ...longTasks), maxFrameMs: Math.max(...frames), rendered, lastRow }
}
