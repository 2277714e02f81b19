/**
 * Dispatches worker requests to the ImportSession. Shared by the real worker (worker.ts) and the
 * in-process transport used where no Worker exists (happy-dom tests).
 */
import { Cancelled, FileError } from './errors'
import type { Progress, RequestMessage, ResponseMessage } from './protocol'
import { ImportSession, templateWorkbook } from './session'
import type { HelperPort, Inflater } from './zip'

export interface Handler {
  handle(msg: RequestMessage): Promise<void>
  cancel(): void
}

export function createHandler(
  post: (msg: ResponseMessage, transfer?: Transferable[]) => void,
  inflater?: Inflater,
  startHelper?: () => HelperPort,
  /** Starts a helper ahead of the file; true once it is up (worker.ts). */
  warmHelper?: () => Promise<boolean>,
): Handler {
  let cancelled = false
  let session: ImportSession | null = null
  return {
    cancel() { cancelled = true },
    async handle(msg) {
      const { id } = msg
      const hooks = {
        progress: (progress: Progress) => post({ id, type: 'progress', progress }),
        isCancelled: () => cancelled,
        inflater,
        startHelper,
      }
      try {
        let result: unknown
        const a = msg.args as never
        switch (msg.op) {
          case 'open':
            session = new ImportSession(hooks)
            result = await session.open(a)
            break
          case 'openFeishu':
            session = new ImportSession(hooks)
            result = await session.openFeishu(a)
            break
          case 'warm':
            result = { helper: warmHelper ? await warmHelper() : false }
            break
          case 'templateWorkbook':
            result = templateWorkbook(a)
            break
          default: {
            if (!session) throw new FileError('no_sheets')
            const s = session as unknown as Record<string, (args: unknown) => unknown>
            const fn = s[msg.op]
            if (typeof fn !== 'function') throw new Error(`unknown op ${String(msg.op)}`)
            result = await fn.call(session, a)
          }
        }
        const transfer: Transferable[] = []
        if (result && typeof result === 'object') {
          for (const v of Object.values(result)) if (v instanceof ArrayBuffer) transfer.push(v)
        }
        post({ id, type: 'result', result }, transfer)
      } catch (e) {
        if (e instanceof Cancelled) return
        if (e instanceof FileError) post({ id, type: 'error', error: { code: e.code, params: e.params } })
        else {
          console.error(e)
          post({ id, type: 'error', error: { code: 'worker_crashed', params: { detail: String((e as Error)?.message ?? e).slice(0, 300) } } })
        }
      }
    },
  }
}
