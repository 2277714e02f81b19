/** The import worker: everything heavy (reading, validating, writing workbooks) runs here. */
import { createHandler } from './handler'
import type { RequestMessage } from './protocol'

interface WorkerScope {
  postMessage(msg: unknown, transfer: Transferable[]): void
  onmessage: ((e: MessageEvent<RequestMessage>) => void) | null
}

const scope = self as unknown as WorkerScope
const handler = createHandler((msg, transfer) => scope.postMessage(msg, transfer ?? []))
scope.onmessage = (e) => { void handler.handle(e.data) }
