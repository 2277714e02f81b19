/** The import worker: everything heavy (reading, validating, writing workbooks) runs here. */
import { createHandler } from './handler'
import type { FromHelper } from './inflate-helper'
import type { RequestMessage } from './protocol'
import type { HelperPort } from './zip'

interface WorkerScope {
  postMessage(msg: unknown, transfer: Transferable[]): void
  onmessage: ((e: MessageEvent<RequestMessage>) => void) | null
}

const scope = self as unknown as WorkerScope
// Large sheets are inflated in a helper worker while this one scans (inflate-helper.ts).
const newHelper = (): Worker => new Worker(new URL('./inflate-worker.ts', import.meta.url), { type: 'module', name: 'inflate' })
/** A helper started ahead of the file (warm), taken by the next large sheet. */
let spare: { helper: Worker; up: Promise<boolean>; failed: boolean } | null = null
const startHelper = (): HelperPort => {
  const ready = spare
  spare = null
  if (ready && !ready.failed) return ready.helper
  ready?.helper.terminate()
  return newHelper()
}
// Waits for its 'ready' (or gives up after a while: the read then waits for it instead, or
// inflates here if it never comes up).
const warmHelper = (): Promise<boolean> => {
  if (!spare) {
    const helper = newHelper()
    const entry = { helper, up: Promise.resolve(false), failed: false }
    entry.up = new Promise<boolean>((ok) => {
      const timer = setTimeout(() => ok(false), 10_000)
      helper.onmessage = (e: MessageEvent<FromHelper>) => { if (e.data.type === 'ready') { clearTimeout(timer); ok(true) } }
      // A helper that failed to load is not handed to a read (it would wait for it for ever).
      helper.onerror = (e) => { e.preventDefault(); entry.failed = true; clearTimeout(timer); ok(false) }
    })
    spare = entry
  }
  return spare.up
}
const handler = createHandler((msg, transfer) => scope.postMessage(msg, transfer ?? []), undefined, startHelper, warmHelper)
scope.onmessage = (e) => { void handler.handle(e.data) }
