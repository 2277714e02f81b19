import { defineStore } from 'pinia'
import { computed, reactive, ref, type ComputedRef, type Ref } from 'vue'
import { periodGuard } from '../api/payroll-checks'
import type { PayrollKey } from '../domain/jobs'
import { checkControls, controlsReleased, DEFAULT_VARIANCE, parseThreshold, varianceFlags, type ControlCheck, type JobControls, type PeriodGuard, type ThresholdProblem, type VarianceFlag, type VarianceThreshold } from '../domain/payroll-checks'
import type { TargetSchema } from '../domain/target'
import { asyncTask, type AsyncState } from './async-state'
import type { ComparisonResult } from './payroll'

/**
 * The payroll batch controls on the diff step (issue 16), kept apart from the payroll store: the
 * period guard and the control totals the preparer types, with an override reason.
 */
export interface PayrollChecksStore {
  guard: AsyncState<PeriodGuard>
  /** The "scope missing" notice is shown once per session, then the guard stays quiet. */
  scopeNoticeSeen: Ref<boolean>
  headcount: Ref<string>
  totals: Record<string, string>
  overrideReason: Ref<string>
  /** The numeric fields whose totals may be typed, for the current comparison. */
  numericFields: ComputedRef<Array<{ code: string; decimals: number | null }>>
  /** The typed figures beside the file's own; null before a comparison. */
  controls: ComputedRef<ControlCheck | null>
  /** False while a mismatch has no written reason, or a figure does not read as a number. */
  released: ComputedRef<boolean>
  percentText: Ref<string>
  amountText: Ref<string>
  /** Why a typed threshold is not used (the default stands in until it is fixed). */
  thresholdProblems: ComputedRef<{ percent: ThresholdProblem | null; amount: ThresholdProblem | null }>
  /** The threshold in use: the typed one, or the default where a typed figure is not usable. */
  threshold: ComputedRef<VarianceThreshold>
  /** Warnings against the previous period (read with the comparison); null before a comparison. */
  variance: ComputedRef<VarianceFlag[] | null>
  bind: (comparison: ComparisonResult | null, schema: TargetSchema | null) => void
  loadGuard: (key: PayrollKey) => Promise<void>
  markScopeNoticeSeen: () => void
  /** What is kept with the job: the figures, their outcome and the override reason. */
  jobControls: () => JobControls | null
  reset: () => void
}

export const usePayrollChecksStore = defineStore('payrollChecks', (): PayrollChecksStore => {
  const guard = asyncTask<PeriodGuard>()
  const scopeNoticeSeen = ref(false)
  const headcount = ref('')
  const totals = reactive<Record<string, string>>({})
  const overrideReason = ref('')
  const bound = ref<{ comparison: ComparisonResult; schema: TargetSchema } | null>(null)
  const percentText = ref(String(DEFAULT_VARIANCE.percent))
  const amountText = ref(String(DEFAULT_VARIANCE.amount))
  const parsedPercent = computed(() => parseThreshold(percentText.value))
  const parsedAmount = computed(() => parseThreshold(amountText.value))
  const thresholdProblems = computed(() => ({
    percent: 'problem' in parsedPercent.value ? parsedPercent.value.problem : null,
    amount: 'problem' in parsedAmount.value ? parsedAmount.value.problem : null,
  }))

  const numericFields = computed(() => (bound.value?.schema.fields ?? [])
    .filter((f) => f.writable && (f.kind === 'money' || f.kind === 'number'))
    .map((f) => ({ code: f.code, decimals: f.decimalPlaces ?? null })))
  const controls = computed(() => {
    const b = bound.value
    if (!b) return null
    return checkControls({ headcount: headcount.value, totals: { ...totals } }, b.comparison.diffs, numericFields.value)
  })
  const released = computed(() => !controls.value || controlsReleased(controls.value, overrideReason.value))
  const threshold = computed<VarianceThreshold>(() => ({
    percent: 'value' in parsedPercent.value ? parsedPercent.value.value : DEFAULT_VARIANCE.percent,
    amount: 'value' in parsedAmount.value ? parsedAmount.value.value : DEFAULT_VARIANCE.amount,
  }))
  const variance = computed(() => {
    const b = bound.value
    if (!b) return null
    return varianceFlags(b.comparison.diffs, b.comparison.previous.records, numericFields.value.map((f) => f.code), threshold.value)
  })

  function bind(comparison: ComparisonResult | null, schema: TargetSchema | null): void {
    const same = bound.value && comparison && bound.value.comparison.sourceCode === comparison.sourceCode && bound.value.comparison.period === comparison.period
    bound.value = comparison && schema ? { comparison, schema } : null
    // A new file of the same datasource and period keeps the typed figures (the preparer fixed the
    // file and compares again); another datasource or period starts from blank.
    if (!same) clearFigures()
  }

  function clearFigures(): void {
    headcount.value = ''
    for (const k of Object.keys(totals)) delete totals[k]
    overrideReason.value = ''
  }

  async function loadGuard(key: PayrollKey): Promise<void> {
    await guard.run(() => periodGuard(key))
  }

  function jobControls(): JobControls | null {
    const c = controls.value
    if (!c || c.lines.every((l) => l.state === 'blank')) return null
    return {
      lines: c.lines.filter((l) => l.state !== 'blank').map(({ field, typed, expected, actual, state }) => ({ field, typed, expected, actual, state })),
      override_reason: c.blocking ? overrideReason.value.trim() : null,
    }
  }

  function reset(): void {
    guard.reset()
    bound.value = null
    clearFigures()
  }

  return {
    guard: guard.state, percentText, amountText, thresholdProblems, threshold, variance, scopeNoticeSeen, headcount, totals, overrideReason, numericFields, controls, released,
    bind, loadGuard, markScopeNoticeSeen: () => { scopeNoticeSeen.value = true }, jobControls, reset,
  }
})

/** The SHA-256 of the file, hex (kept with the job for the audit); null where the browser has no WebCrypto. */
export async function fileSha256(file: Blob): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle
  if (!subtle) return null
  try {
    const digest = await subtle.digest('SHA-256', await file.arrayBuffer())
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
  } catch {
    return null
  }
}
