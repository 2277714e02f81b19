import type { TargetSchema } from '../../../src/domain/target'
import { readCsv } from '../../../src/import/csv-read'
import { Cancelled, FileError } from '../../../src/import/errors'
import { ImportSession } from '../../../src/import/session'
import { openXlsx, readSheet } from '../../../src/import/xlsx-read'
import type { CellValue } from '../../../src/domain/target'

export function blobOf(bytes: Uint8Array | string): Blob {
  return new Blob([typeof bytes === 'string' ? bytes : bytes.slice().buffer])
}

/**
 * A Node built-in for the few tests that need one. These tests are type-checked with the app's
 * tsconfig (no Node types), so the module's shape is declared where it is used.
 */
export function nodeModule<T>(name: string): T {
  const p = (globalThis as unknown as { process?: { getBuiltinModule?: (n: string) => unknown } }).process
  if (!p?.getBuiltinModule) throw new Error('not running in Node')
  return p.getBuiltinModule(name) as T
}

/** Every stored row of the first (or given) sheet as values, the way the grid and validation see them. */
export async function readAll(bytes: Uint8Array, sheet = 0): Promise<CellValue[][]> {
  const book = await openXlsx(blobOf(bytes))
  const { store } = await readSheet(book, sheet)
  const out: CellValue[][] = []
  for (let r = 0; r < store.rowCount; r++) out.push(store.row(r))
  return out
}

export async function readCsvRows(bytes: Uint8Array | string) {
  const { store, encoding, delimiter } = await readCsv(blobOf(bytes))
  const rows: CellValue[][] = []
  for (let r = 0; r < store.rowCount; r++) rows.push(store.row(r))
  return { rows, encoding, delimiter }
}

export function newSession(): ImportSession {
  return new ImportSession({ progress: () => undefined, isCancelled: () => false })
}

export async function openFile(bytes: Uint8Array | string, name: string, schema: TargetSchema) {
  const session = newSession()
  const opened = await session.open({ file: blobOf(bytes), fileName: name, schema, saved: null })
  return { session, opened }
}

/** The FileError a read ends with (fails the test if it succeeds or throws something else). */
export async function fileErrorOf(run: () => Promise<unknown>): Promise<FileError> {
  try {
    await run()
  } catch (e) {
    if (e instanceof FileError) return e
    if (e instanceof Cancelled) throw new Error('cancelled instead of a FileError')
    throw e
  }
  throw new Error('expected a FileError, but the file was read')
}
