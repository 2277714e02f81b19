import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { MiddlewareHandler } from 'hono'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.webp': 'image/webp',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', '.txt': 'text/plain; charset=utf-8',
}

/**
 * Serves the built app from dist/: hashed assets are cached for a year, index.html never; any
 * other GET that is not a file gets index.html so the router can handle deep links (history mode).
 */
export function serveApp(distDir: string): MiddlewareHandler {
  const root = resolve(distDir)
  return async function app(c, next) {
    const send = async (method: string, path: string) => (method === 'HEAD' ? c.body(null) : c.body(new Uint8Array(await readFile(path))))
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next()
    if (c.req.path.startsWith('/api/')) return next()
    const index = join(root, 'index.html')
    if (!existsSync(index)) {
      return c.text('The app is not built yet. Run `npm run build` (or `npm start`, which builds when needed).', 503)
    }
    let rel: string
    try {
      rel = decodeURIComponent(c.req.path)
    } catch {
      return c.text('Bad path', 400)
    }
    const file = normalize(join(root, rel))
    if (file.startsWith(root + sep) && extname(file)) {
      const st = await stat(file).catch(() => null)
      if (st?.isFile()) {
        const immutable = rel.startsWith('/assets/')
        c.header('Content-Type', TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream')
        c.header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        return send(c.req.method, file)
      }
      if (rel.startsWith('/assets/')) return c.text('Not found', 404)
    }
    c.header('Content-Type', TYPES['.html']!)
    c.header('Cache-Control', 'no-cache')
    return send(c.req.method, index)
  }
}
