import { useI18n } from 'vue-i18n'
import { payrollKeyText } from '../../domain/payroll'
import type { FileLeftOut } from '../../domain/payroll-diff'
import { saveBlob } from '../../import/download'
import { payrollDiffSheets } from '../../import/payroll-diff-workbook'
import { concatChunks, writeXlsx } from '../../import/xlsx-write'
import type { ComparisonResult } from '../../stores/payroll'
import { usePayrollChecksStore } from '../../stores/payroll-checks'

/**
 * Saves the diff as a workbook in the UI language: records new / changed / unchanged / not
 * written, and the variance warnings with the threshold in use. `label` and `shown` are the
 * diff's own field titles and value wording, so the workbook says what the page says.
 */
export function useDiffWorkbook() {
  const { t } = useI18n()
  const checks = usePayrollChecksStore()

  return function saveDiffWorkbook(comparison: ComparisonResult, fileLeftOut: FileLeftOut, label: (field: string) => string, shown: (field: string, value: string | null) => string): void {
    const previousPeriod = payrollKeyText(comparison.previous.key)
    const sheets = payrollDiffSheets({
      diffs: comparison.diffs, excluded: comparison.excluded, fileLeftOut, variance: checks.variance, threshold: checks.threshold, previousPeriod,
      previousEmpty: Object.keys(comparison.previous.records).length === 0,
      t: (key, params) => t(key, params ?? {}), label, shown,
    })
    const name = t('payrollBooks.diff.fileName', { source: comparison.sourceCode, period: comparison.period }).replace(/[\\/:*?"<>|\s]+/g, '_')
    saveBlob(new Blob([concatChunks(writeXlsx(sheets)).buffer as ArrayBuffer], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), `${name}.xlsx`)
  }
}
