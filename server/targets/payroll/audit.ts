import type { ApprovalPerson } from '../../../src/domain/approval'
import { concatChunks, CellStyle, writeXlsx, type WriteRow } from '../../../src/import/xlsx-write'
import type { JobKind, JobSummary, PayrollTarget } from '../../../src/domain/jobs'
import type { JobControls } from '../../../src/domain/payroll-checks'
import { payrollKeyText } from '../../../src/domain/payroll'
import { jobKindSpec } from '../../../src/domain/write-targets'
import type { SessionUser } from '../../auth/sessions'
import type { JobsRepo, Owner } from '../../store/jobs-repo'
import { summaryOf } from '../../jobs/listing'

/** The workbook's columns, in both languages (the person's language picks one). */
const HEADERS = {
  'zh-CN': ['任务 ID', '类型', '数据源', '期间', '准备人', '准备人 user ID', '工号', '创建时间 (UTC)', '完成时间 (UTC)', '状态', '文件名', '文件 SHA-256', '控制合计', '覆盖原因', '审批人', '行数', '飞书已接受', '回读已确认', '飞书中的值不同', '失败', '撤销时保留', '撤销的任务'],
  'en-US': ['Job ID', 'Kind', 'Datasource', 'Period', 'Prepared by', 'Preparer user ID', 'Employee number', 'Created (UTC)', 'Finished (UTC)', 'Status', 'File name', 'File SHA-256', 'Control totals', 'Override reason', 'Approver', 'Rows', 'Accepted by Feishu', 'Confirmed by read-back', 'Feishu holds something else', 'Failed', 'Kept on revert', 'Reverts job'],
} as const
export type AuditLocale = keyof typeof HEADERS

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19))

function controlsText(c: JobControls | undefined): string {
  if (!c?.lines?.length) return ''
  return c.lines.map((l) => `${l.field}: ${l.typed} / ${l.actual} (${l.state})`).join('; ')
}

/** The approver column (issue 15): who decided and the outcome, or whom Feishu asks while it waits. */
function approverText(a: JobSummary['approval']): string {
  if (!a) return ''
  const who = (p: ApprovalPerson) => p.name || p.user_id || p.open_id
  if (a.decided_by) return `${who(a.decided_by)} (${a.state})`
  return a.approvers.length ? `${a.approvers.map(who).join(', ')} (${a.state})` : a.state
}

/**
 * The audit of a person's own payroll jobs as a workbook (issue 16): who prepared each job and
 * when, the file and its SHA-256, the control totals and any override reason, the approver column
 * (who decided in Feishu and how, or who is asked while it waits; empty without approval), and the counts accepted / confirmed / differs / failed / kept.
 * Built from the job store only: it holds no token, and every cell is formula-escaped.
 */
export async function payrollAuditWorkbook(repo: JobsRepo, owner: Owner, user: SessionUser, locale: AuditLocale): Promise<Uint8Array> {
  const rows: WriteRow[] = [[...HEADERS[locale]]]
  let before: { createdAt: number; id: string } | null = null
  for (;;) {
    const page = await repo.listOwned(owner, before, 200)
    for (const j of page) {
      if (jobKindSpec(j.kind as JobKind).target !== 'payroll') continue
      const s: JobSummary = await summaryOf(repo, j)
      const t = s.target as PayrollTarget
      const source = (s.source ?? {}) as NonNullable<JobSummary['source']> & { controls?: JobControls }
      const checks = s.checks ?? {}
      rows.push([
        s.id, s.kind, t.source_code, payrollKeyText(t), user.name, j.owner_user_id ?? '', j.owner_employee_no ?? '', iso(s.created_at), iso(s.finished_at), s.status,
        source.file_name ?? '', source.file_sha256 ?? '', controlsText(source.controls), source.controls?.override_reason ?? '', approverText(s.approval),
        s.counts.total, s.counts.succeeded + s.counts.partial, checks.confirmed ?? 0, checks.differs ?? 0, s.counts.failed,
        (checks.kept ?? 0) + (checks.partly_kept ?? 0), source.reverts_job_id ?? '',
      ])
    }
    if (page.length < 200) break
    const last = page[page.length - 1]!
    before = { createdAt: Number(last.created_at), id: last.id }
  }
  return concatChunks(writeXlsx([{ name: locale === 'zh-CN' ? '薪酬任务审计' : 'Payroll audit', rows, freezeRows: 1, colStyles: [CellStyle.Text] }]))
}
