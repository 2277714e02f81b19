// Minimal server-rendered HTML: everything interpolated goes through `esc`.

export function esc(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f5f6f7;color:#1f2329;font:15px/1.5 -apple-system,BlinkMacSystemFont,"PingFang SC","Microsoft YaHei","Helvetica Neue",Arial,sans-serif}
main{max-width:440px;margin:0 auto;padding:16px}
.badge{display:inline-block;background:#ff8800;color:#fff;border-radius:4px;padding:2px 8px;font-size:12px;font-weight:600}
h1{font-size:20px;margin:12px 0 2px}
.sub{color:#646a73;margin:0 0 16px;font-size:13px}
.card{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(31,35,41,.12);padding:16px;margin-bottom:12px}
.user{display:flex;gap:12px;align-items:center;width:100%;text-align:left;background:#fff;border:1px solid #dee0e3;border-radius:8px;padding:12px;margin:0 0 10px;cursor:pointer;font:inherit;color:inherit}
.user:hover,.user:focus{border-color:#3370ff;outline:none}
.user img{width:44px;height:44px;border-radius:50%;flex:none}
.user .n{font-weight:600}
.user .r{color:#646a73;font-size:13px}
ul.scopes{padding-left:18px;margin:8px 0}
ul.scopes li{margin:6px 0}
code{background:#f2f3f5;border-radius:3px;padding:0 4px;font-size:12px;word-break:break-all}
.actions{display:flex;gap:10px;margin-top:16px}
.actions button{flex:1;font:inherit;font-weight:600;border-radius:6px;padding:10px;cursor:pointer;border:1px solid #dee0e3;background:#fff;color:#1f2329}
.actions button.primary{background:#3370ff;border-color:#3370ff;color:#fff}
.notice{background:#fff3e8;border:1px solid #ffc78a;border-radius:6px;padding:8px 12px;margin-bottom:12px;font-size:13px}
a{color:#3370ff}
`

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head><body><main>${body}</main></body></html>`
}

export function hiddenInputs(params: Record<string, string>): string {
  return Object.entries(params).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('')
}
