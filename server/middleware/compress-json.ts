import type { MiddlewareHandler } from 'hono'
import { compress } from 'hono/compress'

/**
 * Gzips API answers of ~1 KB and more (hono/compress). Hono's JSON responses carry no
 * Content-Length, and without one hono/compress compresses everything, so the length is set here
 * first: a tiny answer then leaves as it is, where gzip would only add bytes and CPU. Progress
 * streams (text/event-stream) are never compressed: each event must reach the browser at once.
 */
export function compressJson(threshold = 1024): MiddlewareHandler {
  const gzip = compress({ threshold })
  return function compressLargeJson(c, next) {
    return gzip(c, async () => {
      await next()
      const res = c.res
      // NDJSON streams (a Feishu document being read) go out line by line, never buffered.
      if (res.body && !res.headers.has('Content-Length') && /json/i.test(res.headers.get('Content-Type') ?? '') && !/ndjson/i.test(res.headers.get('Content-Type') ?? '')) {
        const bytes = new Uint8Array(await res.arrayBuffer())
        c.res = new Response(bytes, res)
        c.res.headers.set('Content-Length', String(bytes.byteLength))
      }
    })
  }
}
