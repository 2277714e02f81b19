// The sandbox's OAuth authorize page (§2.4 "The authorize page itself"): first "sign in as…" with the
// personas, then a consent screen listing the requested scopes. Clearly labelled as the sandbox.
import { esc, hiddenInputs, page } from './html'
import { SCOPE_LABELS } from './scope-labels'

export const AUTHORIZE_PATH = '/open-apis/authen/v1/authorize'

export interface ChooserUser {
  user_id: string
  name: string
  en_name: string
  avatar_url: string
  role: { 'zh-CN': string; 'en-US': string }
}

const header = (zh: string, en: string) =>
  `<span class="badge">SANDBOX · 沙箱</span><h1>${esc(zh)}</h1><p class="sub">${esc(en)} — 这是本地沙箱，不是真实的飞书 / This is the local sandbox, not Feishu.</p>`

/** Without login_hint: pick a persona. Each button re-opens this page with `login_hint=<user_id>`. */
export function chooserPage(params: Record<string, string>, users: readonly ChooserUser[], notice?: string): string {
  const buttons = users.map((u) => `
    <button class="user" type="submit" name="login_hint" value="${esc(u.user_id)}" data-testid="sandbox-user-${esc(u.user_id)}">
      <img src="${esc(u.avatar_url)}" alt="">
      <span><span class="n">${esc(u.name)} · ${esc(u.en_name)}</span><br><span class="r">${esc(u.role['zh-CN'])}<br>${esc(u.role['en-US'])}</span></span>
    </button>`).join('')
  return page('沙箱飞书 — 选择登录身份 / Sandbox Feishu — sign in as…', `
    ${header('沙箱飞书 — 选择登录身份', 'Sandbox Feishu — sign in as…')}
    ${notice ? `<div class="notice" role="alert">${esc(notice)}</div>` : ''}
    <form method="get" action="${AUTHORIZE_PATH}">${hiddenInputs(params)}${buttons}</form>`)
}

/** With a persona chosen: the consent screen. Approve / deny POST back to the same path. */
export function consentPage(params: Record<string, string>, user: ChooserUser, scopes: readonly string[], appId: string): string {
  const items = scopes.length === 0
    ? '<li>仅获取你的基本身份信息 / Your basic identity only</li>'
    : scopes.map((s) => {
      const label = SCOPE_LABELS[s]
      return `<li>${label ? `${esc(label.zh)} / ${esc(label.en)}<br>` : ''}<code>${esc(s)}</code></li>`
    }).join('')
  const switchUrl = `${AUTHORIZE_PATH}?${new URLSearchParams(params).toString()}`
  return page('沙箱飞书 — 授权 / Sandbox Feishu — authorize', `
    ${header('授权应用访问你的飞书数据', 'Authorize the app to access your Feishu data')}
    <div class="card">
      <div class="user" style="border:none;padding:0;margin:0 0 12px"><img src="${esc(user.avatar_url)}" alt="">
        <span><span class="n">${esc(user.name)} · ${esc(user.en_name)}</span><br><span class="r">${esc(user.role['zh-CN'])}</span></span></div>
      <p>应用 / App <code>${esc(appId)}</code> 请求以下权限 / asks for:</p>
      <ul class="scopes" data-testid="sandbox-scopes">${items}</ul>
      <form method="post" action="${AUTHORIZE_PATH}">
        ${hiddenInputs({ ...params, login_hint: user.user_id })}
        <div class="actions">
          <button type="submit" name="decision" value="deny" data-testid="sandbox-deny">拒绝 / Deny</button>
          <button class="primary" type="submit" name="decision" value="approve" data-testid="sandbox-approve">授权 / Authorize</button>
        </div>
      </form>
    </div>
    <p class="sub"><a href="${esc(switchUrl)}">换一个身份 / Sign in as someone else</a></p>`)
}
