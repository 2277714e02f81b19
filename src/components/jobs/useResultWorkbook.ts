import { useI18n } from 'vue-i18n'
import { useAppLocale } from '../../i18n'
import { saveBlob } from '../../import/download'
import type { ResultLabels, RowResult } from '../../import/protocol'
import { useImportStore } from '../../stores/import'

/**
 * Saves the result workbook of a job: the imported file's rows with each row's outcome, in the UI
 * language, named after the file (`june.csv` → `june-<suffix>.xlsx`).
 */
export function useResultWorkbook() {
  const { t } = useI18n()
  const { locale } = useAppLocale()
  const importer = useImportStore()

  function labels(): ResultLabels {
    return {
      status: t('importer.result.status'), code: t('importer.result.code'), message: t('importer.result.message'), hint: t('importer.result.hint'),
      written: t('importer.result.written'), failed: t('importer.result.failed'), skipped: t('importer.result.skipped'),
      error: t('importer.result.error'), warning: t('importer.result.warning'), ok: t('importer.result.ok'), sheetName: t('importer.result.sheetName'),
    }
  }

  /** `fallbackName` names the file when none was picked; `suffix` follows the file's name. */
  return async function saveResultWorkbook(results: RowResult[], fallbackName: string, suffix: string): Promise<void> {
    const base = (importer.file?.name ?? fallbackName).replace(/\.[^.]+$/, '')
    saveBlob(await importer.resultWorkbook(locale.value, labels(), results), `${base}-${suffix}.xlsx`)
  }
}
