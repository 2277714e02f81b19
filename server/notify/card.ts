import type { ApprovalPerson, JobApproval } from '../../src/domain/approval'
import type { JobCounts } from '../../src/domain/jobs'
import { NOTIFY_EVENTS, type NotifyEventKind, type NotifyEventSpec } from './events'

/**
 * AppLink that opens our web app inside the Feishu client at a path (AppLink protocol "打开网页应用":
 * `https://applink.feishu.cn/client/web_app/open?appId=…&path=…`; Lark: applink.larksuite.com). The path is
 * put after the web app's homepage URL set in the developer console. No `mode`: the client's default.
 */
export function webAppLink(appId: string, path: string, feishuBaseUrl: string): string {
  const host = /larksuite\.com$/i.test(safeHost(feishuBaseUrl)) ? 'applink.larksuite.com' : 'applink.feishu.cn'
  const q = new URLSearchParams({ appId, path })
  return `https://${host}/client/web_app/open?${q.toString()}`
}

function safeHost(url: string): string {
  try { return new URL(url).hostname } catch { return '' }
}

export interface CardJob { id: string; fileName: string | null; counts: JobCounts; createdAt: number; approval?: JobApproval | null }

const who = (p: ApprovalPerson | null | undefined, lang: 'zh' | 'en') => (p ? (lang === 'en' && p.en_name) || p.name || p.user_id || p.open_id : null)

/** An approval card's own line: who is asked, who decided and what they said, or how much moved. */
function approvalLine(kind: NotifyEventKind, a: JobApproval, lang: 'zh' | 'en'): string | null {
  const zh = lang === 'zh'
  if (kind === 'approval_submitted') {
    const asked = a.approvers.map((p) => who(p, lang)).filter(Boolean).join(zh ? '、' : ', ')
    return asked ? `${zh ? '审批人' : 'Approver'}: ${asked}` : null
  }
  if (kind === 'approval_drift') return a.drift ? (zh ? `变化的字段：${a.drift.total} 处` : `Fields that moved: ${a.drift.total}`) : null
  const parts: string[] = []
  const decider = who(a.decided_by, lang)
  if (decider && kind !== 'approval_self_approved') parts.push(`${zh ? '审批人' : 'Approver'}: ${decider}`)
  if (a.comment) parts.push(`${zh ? '意见' : 'Comment'}: ${clip(a.comment)}`)
  return parts.length ? parts.join(zh ? '；' : ' · ') : null
}

const MAX_NAME = 80
const clip = (s: string) => (s.length > MAX_NAME ? `${s.slice(0, MAX_NAME - 1)}…` : s)

/**
 * The interactive card (card JSON 1.0) for one event, in both languages: the Feishu client shows the
 * block of its own language (`header.title.i18n`, `i18n_elements`). Counts, the file, and one button
 * that opens the job. Far below the 30 KB card limit: no row data, only counts.
 */
export function jobCard(kind: NotifyEventKind, job: CardJob, link: string): Record<string, unknown> {
  const spec: NotifyEventSpec = NOTIFY_EVENTS[kind]
  const c = job.counts
  const block = (lang: 'zh' | 'en') => {
    const L = lang === 'zh'
      ? { file: '文件', counts: '结果', ok: '已写入', partial: '部分写入', failed: '失败', pending: '未写入', cancelled: '已取消', of: '共', open: '打开任务' }
      : { file: 'File', counts: 'Result', ok: 'written', partial: 'partly written', failed: 'failed', pending: 'not written yet', cancelled: 'cancelled', of: 'of', open: 'Open the job' }
    const parts = [`**${c.succeeded}** ${L.ok}`]
    if (c.partial) parts.push(`**${c.partial}** ${L.partial}`)
    if (c.failed) parts.push(`**${c.failed}** ${L.failed}`)
    if (c.pending) parts.push(`**${c.pending}** ${L.pending}`)
    if (c.cancelled) parts.push(`**${c.cancelled}** ${L.cancelled}`)
    const countsLine = lang === 'zh' ? `${parts.join(' · ')}（${L.of} ${c.total}）` : `${parts.join(' · ')} (${L.of} ${c.total})`
    return [
      { tag: 'div', text: { tag: 'lark_md', content: spec.lead[lang] } },
      {
        tag: 'div',
        fields: [
          // plain_text: a file name is shown as typed, never read as markup.
          ...(job.fileName ? [{ is_short: false, text: { tag: 'plain_text', content: `${L.file}: ${clip(job.fileName)}` } }] : []),
          // plain_text: a name or an approver's comment is shown as typed, never read as markup.
          ...(spec.approval && job.approval && approvalLine(kind, job.approval, lang) ? [{ is_short: false, text: { tag: 'plain_text', content: approvalLine(kind, job.approval, lang)! } }] : []),
          { is_short: false, text: { tag: 'lark_md', content: `**${L.counts}**\n${countsLine}` } },
        ],
      },
      { tag: 'action', actions: [{ tag: 'button', type: 'primary', text: { tag: 'plain_text', content: L.open }, url: link }] },
    ]
  }
  return {
    config: { wide_screen_mode: true },
    header: { template: spec.template, title: { tag: 'plain_text', content: spec.title.zh, i18n: { zh_cn: spec.title.zh, en_us: spec.title.en } } },
    i18n_elements: { zh_cn: block('zh'), en_us: block('en') },
  }
}
