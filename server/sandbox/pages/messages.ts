// The sandbox's stand-in for a person's Feishu chat with the app's bot: the cards each persona
// received, rendered roughly as the Feishu client shows a card (header, markdown blocks, buttons),
// in the client language chosen (zh-CN / en-US). Card JSON 1.0 with `header.title.i18n` and
// `i18n_elements` picks the language block like the client does; AppLinks that open this app's web
// app at a path go to the console's homepage + path, as the Feishu client would open them.
import { PERSONAS } from '../seed/personas'
import type { SandboxState, SentMessage } from '../state'
import { esc, page } from './html'

export type PageLang = 'zh-CN' | 'en-US'

const T = {
  'zh-CN': {
    title: '机器人消息', sub: '沙箱：应用机器人发给每个人的消息卡片（飞书聊天里看到的样子）。', none: '还没有消息。',
    lang: 'English', noHome: '（沙箱未设置网页应用主页，按钮无法在此打开）', from: '来自应用机器人', unreadable: '无法显示的消息',
  },
  'en-US': {
    title: 'Bot messages', sub: "Sandbox: the message cards the app's bot sent to each person (as Feishu chat shows them).", none: 'No messages yet.',
    lang: '中文', noHome: "(the sandbox has no web app homepage set, so the button can't open here)", from: "From the app's bot", unreadable: 'A message that cannot be shown',
  },
} as const

interface CardText { tag?: string; content?: string; i18n?: Record<string, string> }
interface CardElement {
  tag?: string
  text?: CardText
  content?: string
  fields?: Array<{ is_short?: boolean; text?: CardText }>
  actions?: Array<{ tag?: string; text?: CardText; url?: string; multi_url?: { url?: string }; type?: string }>
}
interface Card {
  header?: { title?: CardText; template?: string }
  elements?: CardElement[]
  i18n_elements?: Record<string, CardElement[]>
}

const cardLang = (lang: PageLang) => (lang === 'zh-CN' ? 'zh_cn' : 'en_us')

/** lark_md, as far as our cards use it: **bold** and line breaks; everything else is plain text. */
function md(s: string): string {
  return esc(s).replace(/\*\*(.+?)\*\*/g, '<b>$1</b>').replace(/\n/g, '<br>')
}

/** AppLink → where the Feishu client would open it; other links stay as they are. */
export function resolveLink(state: SandboxState, url: string): string | null {
  let u: URL
  try { u = new URL(url) } catch { return null }
  if (!/^applink\.(feishu\.cn|larksuite\.com)$/.test(u.hostname)) return /^https?:$/.test(u.protocol) ? url : null
  if (u.pathname !== '/client/web_app/open' || u.searchParams.get('appId') !== state.appId) return null
  if (!state.webAppHomepage) return null
  const path = u.searchParams.get('path') ?? '/'
  return `${state.webAppHomepage.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`
}

function text(t: CardText | undefined, key: string): string {
  return t?.i18n?.[key] ?? t?.content ?? ''
}

/** A card text element as HTML: lark_md as markdown, plain_text as it is. */
function rich(t: CardText | undefined, key: string): string {
  const s = text(t, key)
  return t?.tag === 'plain_text' ? esc(s).replace(/\n/g, '<br>') : md(s)
}

function renderCard(state: SandboxState, m: SentMessage, lang: PageLang): string {
  const t = T[lang]
  const key = cardLang(lang)
  let card: Card
  try { card = JSON.parse(m.content) as Card } catch { return `<div class="card">${esc(t.unreadable)}</div>` }
  if (m.msg_type !== 'interactive') {
    const textBody = (card as { text?: string }).text
    return `<div class="card" data-testid="sandbox-message">${textBody ? md(textBody) : esc(t.unreadable)}</div>`
  }
  const elements = card.i18n_elements?.[key] ?? card.elements ?? []
  const colour = { green: '#34c724', red: '#f54a45', orange: '#ff8800', blue: '#3370ff', yellow: '#ffc60a', grey: '#8f959e' }[card.header?.template ?? 'blue'] ?? '#3370ff'
  const parts = elements.map((el) => {
    if (el.tag === 'div') {
      const fields = (el.fields ?? []).map((f) => `<div class="f${f.is_short ? ' s' : ''}">${rich(f.text, key)}</div>`).join('')
      return `<div class="el">${el.text ? rich(el.text, key) : ''}${fields ? `<div class="fields">${fields}</div>` : ''}</div>`
    }
    if (el.tag === 'markdown') return `<div class="el">${md(el.content ?? '')}</div>`
    if (el.tag === 'hr') return '<hr>'
    if (el.tag === 'action') {
      return `<div class="el btns">${(el.actions ?? []).map((a) => {
        const raw = a.multi_url?.url ?? a.url ?? ''
        const href = resolveLink(state, raw)
        const label = esc(text(a.text, key))
        return href
          ? `<a class="btn${a.type === 'primary' ? ' primary' : ''}" data-testid="sandbox-card-button" data-applink="${esc(raw)}" href="${esc(href)}">${label}</a>`
          : `<span class="btn" data-applink="${esc(raw)}" title="${esc(t.noHome)}">${label}</span>`
      }).join('')}</div>`
    }
    return ''
  }).join('')
  const when = new Date(m.create_time).toISOString().replace('T', ' ').slice(0, 16)
  return `<div class="card msg" data-testid="sandbox-card" data-message-id="${esc(m.message_id)}">
<div class="hd" style="background:${colour}">${esc(text(card.header?.title, key))}</div>
<div class="bd">${parts}</div>
<div class="meta">${esc(t.from)} · ${esc(when)} UTC</div></div>`
}

const EXTRA_CSS = `<style>
.tabs{display:flex;flex-wrap:wrap;gap:6px;margin:0 0 12px}
.tabs a{border:1px solid #dee0e3;border-radius:14px;padding:2px 10px;text-decoration:none;font-size:13px;background:#fff}
.tabs a.on{background:#3370ff;border-color:#3370ff;color:#fff}
.msg{padding:0;overflow:hidden}
.msg .hd{color:#fff;font-weight:600;padding:10px 14px}
.msg .bd{padding:10px 14px}
.msg .el{margin:6px 0;word-break:break-word}
.msg .fields{display:flex;flex-wrap:wrap;gap:6px 12px}
.msg .f{flex:1 1 100%}.msg .f.s{flex:1 1 40%}
.msg .btns{display:flex;flex-wrap:wrap;gap:8px}
.btn{display:inline-block;border:1px solid #dee0e3;border-radius:6px;padding:6px 14px;text-decoration:none;color:#1f2329}
.btn.primary{background:#3370ff;border-color:#3370ff;color:#fff}
.msg .meta{color:#8f959e;font-size:12px;padding:0 14px 10px}
.top{display:flex;justify-content:space-between;align-items:center}
</style>`

export function messagesPage(state: SandboxState, userId: string, lang: PageLang): string {
  const t = T[lang]
  const other: PageLang = lang === 'zh-CN' ? 'en-US' : 'zh-CN'
  const q = (u: string, l: PageLang) => `?user=${encodeURIComponent(u)}&lang=${l}`
  const tabs = PERSONAS.map((p) => {
    const e = state.byUserId.get(p.user_id)
    const n = state.messages.filter((m) => m.user_id === p.user_id).length
    const name = lang === 'zh-CN' ? (e?.name ?? p.user_id) : (e?.en_name ?? p.user_id)
    return `<a class="${p.user_id === userId ? 'on' : ''}" data-testid="sandbox-messages-user-${esc(p.user_id)}" href="${q(p.user_id, lang)}">${esc(name)} (${n})</a>`
  }).join('')
  const mine = state.messages.filter((m) => m.user_id === userId).reverse()
  const list = mine.length ? mine.map((m) => renderCard(state, m, lang)).join('') : `<p class="sub" data-testid="sandbox-messages-empty">${esc(t.none)}</p>`
  const html = `${EXTRA_CSS}<div class="top"><span class="badge">SANDBOX</span><a href="${q(userId, other)}" data-testid="sandbox-messages-lang">${esc(t.lang)}</a></div>
<h1>${esc(t.title)}</h1><p class="sub">${esc(t.sub)}</p><nav class="tabs">${tabs}</nav>${list}`
  return page(t.title, html).replace('<html lang="zh-CN">', `<html lang="${lang}">`)
}
