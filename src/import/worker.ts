/** The import worker: everything heavy (reading, validating, writing workbooks) runs here. */
import { createHandler } from './handler'
import type { RequestMessage } from './protocol'
import type { HelperPort } from './zip'

interface WorkerScope {
  postMessage(msg: unknown, transfer: Transferable[]): void
  onmessage: ((e: MessageEvent<RequestMessage>) => void) | null
}

const scope = self as unknown as WorkerScope
// Large sheets are inflated in a helper worker while this one scans (inflate-helper.ts).
const startHelper = (): HelperPort => new Worker(new URL('./inflate-worker.ts', import.meta.url), { type: 'module', name: 'inflate' })
const handler = createHandler((msg, transfer) => scope.postMessage(msg, transfer ?? []), undefined, startHelper)
scope.onmessage = (e) => { void handler.handle(e.data) }
