/**
 * What a pasted Feishu document link points at (a rule shared by the page, for instant feedback,
 * and the server, which reads it). Feishu's own URL shapes (电子表格概述, 多维表格概述, 知识库概述):
 *   https://<tenant>.feishu.cn/sheets/<spreadsheet_token>?sheet=<sheet_id>
 *   https://<tenant>.feishu.cn/base/<app_token>?table=<table_id>&view=<view_id>
 *   https://<tenant>.feishu.cn/wiki/<node_token>?sheet=<sheet_id> | ?table=<table_id>&view=<view_id>
 * Lark (larksuite.com) and larkoffice.com links have the same paths.
 */
export type FeishuDocLink =
  | { kind: 'sheet'; token: string; sheetId: string | null }
  | { kind: 'base'; token: string; tableId: string | null; viewId: string | null }
  /** A wiki node: the node decides whether it is a sheet or a Base (wiki get_node). */
  | { kind: 'wiki'; token: string; sheetId: string | null; tableId: string | null; viewId: string | null }

export type FeishuLinkProblem = 'not_a_link' | 'not_feishu' | 'not_a_sheet_or_table'

const HOSTS = /(^|\.)(feishu\.cn|feishu\.net|larksuite\.com|larkoffice\.com|larksuite-boe\.com|feishu-boe\.cn)$/i
const TOKEN = /^[A-Za-z0-9_-]{6,128}$/
const PART = /^[A-Za-z0-9_-]{1,64}$/
/** Longest link accepted (a Feishu link is well under 300 characters). */
export const FEISHU_LINK_MAX = 2000

function part(v: string | null): string | null {
  return v && PART.test(v) ? v : null
}

/** The document a link names, or why it names none the app can read. */
export function parseFeishuLink(input: string, opts: { extraHosts?: readonly string[] } = {}): { link: FeishuDocLink } | { problem: FeishuLinkProblem } {
  const text = input.trim()
  if (!text || text.length > FEISHU_LINK_MAX) return { problem: 'not_a_link' }
  let url: URL
  try {
    url = new URL(/^[a-z]+:\/\//i.test(text) ? text : `https://${text}`)
  } catch {
    return { problem: 'not_a_link' }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: 'not_a_link' }
  const host = url.hostname.toLowerCase()
  if (!HOSTS.test(host) && !(opts.extraHosts ?? []).includes(host)) return { problem: 'not_feishu' }
  const segs = url.pathname.split('/').filter(Boolean)
  const at = segs.findIndex((s) => s === 'sheets' || s === 'base' || s === 'wiki')
  const kind = at >= 0 ? segs[at] : null
  const token = at >= 0 ? segs[at + 1] ?? '' : ''
  if (!kind || !TOKEN.test(token)) return { problem: 'not_a_sheet_or_table' }
  const q = url.searchParams
  if (kind === 'sheets') return { link: { kind: 'sheet', token, sheetId: part(q.get('sheet')) } }
  if (kind === 'base') return { link: { kind: 'base', token, tableId: part(q.get('table')), viewId: part(q.get('view')) } }
  return { link: { kind: 'wiki', token, sheetId: part(q.get('sheet')), tableId: part(q.get('table')), viewId: part(q.get('view')) } }
}
