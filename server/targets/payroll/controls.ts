import { z } from 'zod'
import { controlsReleased, OVERRIDE_REASON_MAX, parseControlFigure, decimalEquals, overrideReasonProblem, type ControlCheck, type ControlLine, type JobControls } from '../../../src/domain/payroll-checks'
import type { JobSummary } from '../../../src/domain/jobs'
import { AppError } from '../../errors'

const figure = z.string().max(100)
const controlsSchema = z.strictObject({
  lines: z.array(z.strictObject({
    field: z.string().min(1).max(128),
    typed: figure,
    expected: z.string().max(100).nullable(),
    actual: z.string().regex(/^-?\d{1,30}(\.\d{1,6})?$/),
    state: z.enum(['match', 'mismatch', 'invalid', 'blank']),
  })).max(1001),
  override_reason: z.string().max(OVERRIDE_REASON_MAX).nullable(),
})

/**
 * The control totals a payroll job keeps (issue 16). The server does not trust the states the app
 * sent: it reads each typed figure again with the same src/domain rule and compares it with the
 * file's figure, and refuses a job whose mismatches carry no written reason or whose figures do not
 * read as numbers — so the block holds even for a request that skipped the page.
 */
export function keepControls(source: NonNullable<JobSummary['source']>): JobSummary['source'] {
  if (source.controls === undefined || source.controls === null) return { ...source, controls: undefined }
  const parsed = controlsSchema.safeParse(source.controls)
  if (!parsed.success) throw new AppError(400, 'invalid_request', 'The control totals are malformed.', { issues: parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })) })
  const lines: ControlLine[] = parsed.data.lines.map((l) => {
    if (l.typed.trim() === '') return { ...l, expected: null, state: 'blank' }
    const p = parseControlFigure(l.typed, l.field === 'headcount' ? { whole: true } : { maxDecimals: 6 })
    if ('problem' in p) return { ...l, expected: null, state: 'invalid', problem: p.problem }
    return { ...l, expected: p.value, state: decimalEquals(p.value, l.actual) ? 'match' : 'mismatch' }
  })
  const mismatches = lines.filter((l) => l.state === 'mismatch').length
  const invalid = lines.filter((l) => l.state === 'invalid').length
  const check: ControlCheck = { lines, mismatches, invalid, blocking: mismatches + invalid > 0 }
  const reason = parsed.data.override_reason?.trim() ?? ''
  if (!controlsReleased(check, reason)) {
    throw new AppError(400, 'controls_not_released', invalid
      ? 'A control figure does not read as a number; fix it before writing.'
      : `${mismatches} control figure(s) do not match the file; fix the file or give a reason of at least 10 characters.`,
    { mismatches, invalid, reason: overrideReasonProblem(reason) })
  }
  const kept: JobControls = {
    lines: lines.filter((l) => l.state !== 'blank').map(({ field, typed, expected, actual, state }) => ({ field, typed, expected, actual, state })),
    override_reason: check.blocking ? reason : null,
  }
  return { ...source, controls: kept }
}
