// The sandbox's "drive": every spreadsheet, Base table and wiki page the personas own, with the link
// to paste into the app's import step and who may read it. Rendered in zh-CN or en-US.
import { canRead, DOC_TOKENS } from '../seed/documents'
import type { SandboxState } from '../state'
import { esc, page } from './html'

export type DocsLang = 'zh-CN' | 'en-US'

const T = {
  'zh-CN': {
    title: '云文档', sub: '沙箱：各角色的电子表格、多维表格和知识库页面。复制链接，粘贴到应用导入步骤的「飞书链接」里。',
    readers: '可阅读', everyone: '所有人', owner: '所有者', lang: 'English', sheet: '工作表', table: '数据表', view: '视图', wiki: '知识库页面', deleted: '已删除',
  },
  'en-US': {
    title: 'Documents', sub: "Sandbox: the personas' spreadsheets, Base tables and wiki pages. Copy a link and paste it into the app's import step (Feishu link).",
    readers: 'Can view', everyone: 'everyone', owner: 'Owner', lang: '中文', sheet: 'Sheet', table: 'Table', view: 'View', wiki: 'Wiki page', deleted: 'deleted',
  },
} as const

export interface DocLink { kind: 'sheet' | 'base' | 'wiki'; title: string; url: string; owner: string; readers: 'all' | readonly string[]; note?: string }

/** Every link a person trying the sandbox can paste (also `GET /sandbox/documents.json`). */
export function documentLinks(state: SandboxState, origin = 'https://sandbox.feishu.cn'): DocLink[] {
  const out: DocLink[] = []
  for (const s of state.documents.spreadsheets.values()) {
    if (s.deleted) { out.push({ kind: 'sheet', title: s.title, url: `${origin}/sheets/${s.token}`, owner: s.owner, readers: s.readers, note: 'deleted' }); continue }
    for (const sh of s.sheets) out.push({ kind: 'sheet', title: `${s.title} › ${sh.title}`, url: `${origin}/sheets/${s.token}?sheet=${sh.sheet_id}`, owner: s.owner, readers: s.readers, ...(sh.protected ? { note: 'protected' } : {}) })
  }
  for (const b of state.documents.bases.values()) {
    for (const t of b.tables) {
      out.push({ kind: 'base', title: `${b.name} › ${t.name}`, url: `${origin}/base/${b.app_token}?table=${t.table_id}`, owner: b.owner, readers: b.readers })
      for (const v of t.views.filter((x) => x.view_id === DOC_TOKENS.salesView)) out.push({ kind: 'base', title: `${b.name} › ${t.name} › ${v.view_name}`, url: `${origin}/base/${b.app_token}?table=${t.table_id}&view=${v.view_id}`, owner: b.owner, readers: b.readers })
    }
  }
  for (const n of state.documents.wiki.values()) out.push({ kind: 'wiki', title: `${n.title} (${n.obj_type})`, url: `${origin}/wiki/${n.node_token}`, owner: 'wangfang', readers: n.readers })
  return out
}

export function documentsPage(state: SandboxState, lang: DocsLang, user: string | null): string {
  const t = T[lang]
  const name = (id: string) => { const e = state.byUserId.get(id); return e ? (lang === 'zh-CN' ? e.name : e.en_name) : id }
  const items = documentLinks(state)
    .filter((d) => !user || canRead(d.readers, user))
    .map((d) => `<div class="card" data-testid="sandbox-doc" data-kind="${esc(d.kind)}">
<div><b>${esc(d.title)}</b>${d.note === 'deleted' ? ` <span class="badge">${esc(t.deleted)}</span>` : ''}</div>
<div><code data-testid="sandbox-doc-link">${esc(d.url)}</code></div>
<div class="sub">${esc(t.owner)}: ${esc(name(d.owner))} · ${esc(t.readers)}: ${esc(d.readers === 'all' ? t.everyone : d.readers.map(name).join('、'))}</div>
</div>`).join('\n')
  const other = lang === 'zh-CN' ? 'en-US' : 'zh-CN'
  return page(t.title, `<span class="badge">SANDBOX</span> <a href="?lang=${other}${user ? `&user=${encodeURIComponent(user)}` : ''}">${esc(t.lang)}</a>
<h1>${esc(t.title)}</h1><p class="sub">${esc(t.sub)}</p>${items}`)
}
