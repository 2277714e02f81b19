import { defineStore } from 'pinia'
import { markRaw, ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { getMapping, saveMapping, type MappingTargetKind } from '../api/mappings'
import { feishuReadUrl } from '../api/sources'
import type { CellValue, Locale, TargetSchema } from '../domain/target'
import { CancelledError, ImportClient } from '../import/client'
import type { ChosenEncoding } from '../import/encoding'
import { FileError, type FileErrorCode } from '../import/errors'
import { duplicateFields, toSavedMapping, type ColumnMatch, type SavedMapping } from '../import/mapping'
import type { BulkFix, OpenResult, Progress, ResultLabels, RowResult, RowView, SheetResult, Summary } from '../import/protocol'
import { asAppError, asyncTask, type AsyncState } from './async-state'

/** Where the person is in an import: choose a file → (sheet) → (mapping) → review and fix. */
export type ImportStage = 'idle' | 'reading' | 'sheets' | 'mapping' | 'validating' | 'review'

export interface ImportFailure { code: FileErrorCode; params: Record<string, string | number> }

export interface ImportTarget { kind: MappingTargetKind; id: string }

export interface ImportStore {
  stage: Ref<ImportStage>
  schema: ShallowRef<TargetSchema | null>
  target: Ref<ImportTarget | null>
  file: Ref<{ name: string; size: number } | null>
  progress: Ref<Progress | null>
  opened: ShallowRef<OpenResult | null>
  sheet: ShallowRef<SheetResult | null>
  matches: Ref<ColumnMatch[]>
  summary: Ref<Summary | null>
  /** Why the file could not be read; the previous state is kept. */
  error: Ref<ImportFailure | null>
  /** The column mapping saved for this target, offered when a file is opened (null data: none saved). */
  savedMapping: AsyncState<SavedMapping | null>
  /** Bumps whenever rows change, so the grid reloads what it shows. */
  rowsVersion: Ref<number>
  client: ImportClient
  begin(schema: TargetSchema, target: ImportTarget): void
  open(file: File): Promise<void>
  /** Reads a pasted Feishu Sheet / Base link instead of a file (same steps after reading). */
  openLink(link: string): Promise<void>
  /** The file itself, as opened (e.g. for its fingerprint); null after a reset. */
  fileBlob(): File | null
  chooseSheet(index: number): Promise<void>
  setHeader(headerRow: number, depth: 1 | 2): Promise<void>
  confirmMapping(matches: ColumnMatch[]): Promise<void>
  editCell(row: number, field: string, value: CellValue): Promise<RowView[]>
  bulkFix(fix: BulkFix): Promise<number>
  deleteRows(rows: number[]): Promise<void>
  /** Takes a left-out total/label row back into the import. */
  includeRow(row: number): Promise<void>
  /** Reads the CSV again in the encoding the person chose; back to mapping with the new header. */
  reread(encoding: ChosenEncoding): Promise<void>
  templateWorkbook(locale: Locale): Promise<Blob>
  resultWorkbook(locale: Locale, labels: ResultLabels, results?: RowResult[] | null): Promise<Blob>
  exportValues(includeInvalid?: boolean): Promise<{ json: Blob; count: number }>
  cancel(): void
  reset(): void
}

/** Orchestrates one import through the worker client; holds no rows itself (they stay in the worker). */
export const useImportStore = defineStore('import', (): ImportStore => {
  const client = markRaw(new ImportClient())
  const stage = ref<ImportStage>('idle')
  const schema = shallowRef<TargetSchema | null>(null)
  const target = ref<ImportTarget | null>(null)
  const file = ref<{ name: string; size: number } | null>(null)
  const progress = ref<Progress | null>(null)
  const opened = shallowRef<OpenResult | null>(null)
  const sheet = shallowRef<SheetResult | null>(null)
  const matches = ref<ColumnMatch[]>([])
  const summary = ref<Summary | null>(null)
  const error = ref<ImportFailure | null>(null)
  const rowsVersion = ref(0)
  const mapping = asyncTask<SavedMapping | null>()

  function fail(e: unknown, back: ImportStage): void {
    progress.value = null
    if (e instanceof CancelledError) { stage.value = back; return }
    stage.value = back
    error.value = e instanceof FileError ? { code: e.code, params: e.params } : { code: 'worker_crashed', params: { detail: asAppError(e).message } }
  }

  function begin(s: TargetSchema, t: ImportTarget): void {
    reset()
    schema.value = s
    target.value = t
    // The worker and its helper start while the person looks for the file.
    void client.warm()
  }

  async function loadSavedMapping(): Promise<SavedMapping | null> {
    const t = target.value
    if (!t) return null
    // A saved mapping is a convenience: a failure (null) never blocks an import.
    return mapping.run(() => getMapping(t.kind, t.id))
  }

  async function useSheet(result: SheetResult): Promise<void> {
    sheet.value = result
    matches.value = result.proposal.matches.map((m) => ({ ...m }))
    // Every header matched exactly (e.g. our own template): no mapping step (Dromo does the same).
    if (result.proposal.allExact) await confirmMapping(matches.value, false)
    else stage.value = 'mapping'
  }

  let blob: File | null = null
  async function open(f: File): Promise<void> {
    if (!schema.value) throw new Error('begin() first')
    error.value = null
    file.value = { name: f.name, size: f.size }
    blob = f
    stage.value = 'reading'
    progress.value = null
    try {
      const saved = await loadSavedMapping()
      const result = await client.open(f, f.name, schema.value, saved, (p) => { progress.value = p })
      opened.value = result
      progress.value = null
      if (result.sheet) await useSheet(result.sheet)
      else stage.value = 'sheets'
    } catch (e) {
      fail(e, 'idle')
    }
  }

  async function openLink(link: string): Promise<void> {
    if (!schema.value) throw new Error('begin() first')
    error.value = null
    file.value = { name: link, size: 0 }
    blob = null
    stage.value = 'reading'
    progress.value = null
    try {
      const saved = await loadSavedMapping()
      const result = await client.openFeishu(link, feishuReadUrl(), schema.value, saved, (p) => { progress.value = p })
      opened.value = result
      file.value = { name: result.fileName, size: 0 }
      progress.value = null
      if (result.sheet) await useSheet(result.sheet)
    } catch (e) {
      fail(e, 'idle')
    }
  }

  async function chooseSheet(index: number): Promise<void> {
    error.value = null
    stage.value = 'reading'
    try {
      const result = await client.chooseSheet(index, (p) => { progress.value = p })
      progress.value = null
      await useSheet(result)
    } catch (e) {
      fail(e, 'idle')
    }
  }

  async function setHeader(headerRow: number, depth: 1 | 2): Promise<void> {
    try {
      const result = await client.setHeader(headerRow, depth)
      sheet.value = result
      matches.value = result.proposal.matches.map((m) => ({ ...m }))
    } catch (e) {
      fail(e, 'idle')
    }
  }

  async function confirmMapping(next: ColumnMatch[], remember = true): Promise<void> {
    if (duplicateFields(next).length) throw new Error('a field is mapped to two columns')
    error.value = null
    matches.value = next
    stage.value = 'validating'
    try {
      summary.value = await client.applyMapping(next, (p) => { progress.value = p })
      progress.value = null
      stage.value = 'review'
      rowsVersion.value++
      if (remember && target.value && sheet.value) {
        const t = target.value
        saveMapping(t.kind, t.id, toSavedMapping(sheet.value.layout.columns, next)).catch((e: unknown) => {
          console.warn('could not save the column mapping', e)
        })
      }
    } catch (e) {
      fail(e, 'mapping')
    }
  }

  async function editCell(row: number, field: string, value: CellValue): Promise<RowView[]> {
    const r = await client.editCell(row, field, value)
    summary.value = r.summary
    return r.rows
  }

  async function bulkFix(fix: BulkFix): Promise<number> {
    const r = await client.bulkFix(fix)
    summary.value = r.summary
    if (r.changed) rowsVersion.value++
    return r.changed
  }

  async function deleteRows(rows: number[]): Promise<void> {
    summary.value = await client.deleteRows(rows)
    rowsVersion.value++
  }

  async function includeRow(row: number): Promise<void> {
    summary.value = await client.includeRow(row)
    rowsVersion.value++
  }

  async function reread(encoding: ChosenEncoding): Promise<void> {
    error.value = null
    const back = stage.value
    stage.value = 'reading'
    try {
      const r = await client.reread(encoding, (p) => { progress.value = p })
      progress.value = null
      if (opened.value) opened.value = { ...opened.value, ...r }
      summary.value = null
      if (r.sheet) await useSheet(r.sheet)
      else stage.value = back
    } catch (e) {
      fail(e, back)
    }
  }

  function templateWorkbook(locale: Locale): Promise<Blob> {
    if (!schema.value) throw new Error('begin() first')
    return client.templateWorkbook(schema.value, locale)
  }

  function resultWorkbook(locale: Locale, labels: ResultLabels, results: RowResult[] | null = null): Promise<Blob> {
    return client.resultWorkbook(locale, labels, results)
  }

  function exportValues(includeInvalid = false): Promise<{ json: Blob; count: number }> {
    return client.exportValues(includeInvalid)
  }

  /** Stops reading or validating. The worker (and the file in it) is ended, so the person starts again from a file. */
  function cancel(): void {
    client.cancel()
    progress.value = null
    stage.value = 'idle'
    opened.value = null
    sheet.value = null
    summary.value = null
  }

  function reset(): void {
    client.cancel()
    stage.value = 'idle'
    file.value = null
    blob = null
    progress.value = null
    opened.value = null
    sheet.value = null
    matches.value = []
    summary.value = null
    error.value = null
    mapping.reset()
    rowsVersion.value++
  }

  return {
    stage, schema, target, file, progress, opened, sheet, matches, summary, error, savedMapping: mapping.state, rowsVersion, client,
    begin, open, openLink, fileBlob: () => blob, chooseSheet, setHeader, confirmMapping, editCell, bulkFix, deleteRows, includeRow, reread, templateWorkbook, resultWorkbook, exportValues, cancel, reset,
  }
})
