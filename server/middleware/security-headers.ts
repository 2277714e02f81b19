import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'

// The Feishu JSSDK is loaded from Feishu's CDN inside the client (reference §6.3).
const FEISHU_SCRIPT_HOSTS = ['https://lf-scm-cn.feishucdn.com', 'https://lf1-cdn-tos.bytegoofy.com']

export function securityHeaders(opts: { extraImgOrigins: string[] }): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", ...FEISHU_SCRIPT_HOSTS],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:', 'https:', ...opts.extraImgOrigins],
      connectSrc: ["'self'"],
      workerSrc: ["'self'", 'blob:'],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'", ...opts.extraImgOrigins],
    },
    // The Feishu client shows the page in its own webview, not in a frame of another site.
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
    crossOriginEmbedderPolicy: false,
  })
}
