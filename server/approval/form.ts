import type { ApprovalSummary } from '../../src/domain/approval'
import { webAppLink } from '../notify/card'

/**
 * The approval form (审批表单) the app fills: `form` of `POST /open-apis/approval/v4/instances` is a
 * JSON string of `[{ id, type, value }]`. The definition must hold these widget ids (README "Run
 * inside Feishu"). Each value is written in both languages: the approver's client may be in either.
 */
export const FORM_WIDGETS = { target: 'hr_import_target', counts: 'hr_import_counts', totals: 'hr_import_totals', file: 'hr_import_file', link: 'hr_import_link' } as const

export function approvalForm(summary: ApprovalSummary, source: { file_name?: string; file_sha256?: string; excluded?: number } | null, link: string): string {
  const c = summary.counts
  const excluded = source?.excluded ?? 0
  const counts = `新增 ${c.new} · 变更 ${c.changed} · 不变 ${c.unchanged} · 排除 ${excluded}\nNew ${c.new} · Changed ${c.changed} · Unchanged ${c.unchanged} · Excluded ${excluded}`
  const totals = summary.totals.length
    ? summary.totals.map((t) => `${t.title['zh-CN']} / ${t.title['en-US']} (${t.field}): ${t.before} → ${t.after}`).join('\n')
    : '— (没有金额或数值字段 / no money or number fields)'
  const file = `${source?.file_name ?? '—'} · SHA-256 ${source?.file_sha256 ?? '—'}`
  return JSON.stringify([
    { id: FORM_WIDGETS.target, type: 'input', value: summary.target },
    { id: FORM_WIDGETS.counts, type: 'textarea', value: counts },
    { id: FORM_WIDGETS.totals, type: 'textarea', value: totals },
    { id: FORM_WIDGETS.file, type: 'input', value: file },
    { id: FORM_WIDGETS.link, type: 'input', value: link },
  ])
}

/**
 * Where the approver opens the job's read-only diff. Inside Feishu: the AppLink "打开网页应用"
 * (`client/web_app/open`, `appId` + `path`; `path` is documented since client 3.20 and is put in the
 * place of the homepage URL's path — it must hold no `?` or `#`, which `/review/<id>` never does),
 * the same link the job cards use (notify/card.ts). Sandbox: the app's own URL.
 */
export function reviewLink(opts: { mode: 'sandbox' | 'live'; appId: string; publicUrl: string; feishuBaseUrl?: string }, jobId: string): string {
  const path = `/review/${jobId}`
  if (opts.mode === 'sandbox') return `${opts.publicUrl}${path}`
  return webAppLink(opts.appId, path, opts.feishuBaseUrl ?? 'https://open.feishu.cn')
}
