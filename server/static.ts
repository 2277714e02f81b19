import { existsSync } from 'node:fs'
import { extname, join, resolve } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono, type MiddlewareHandler } from 'hono'
import { etag } from 'hono/etag'

/** Vite names files under /assets/ by their content hash: a new build means new names. */
const IMMUTABLE = 'public, max-age=31536000, immutable'
/** Everything else (index.html, the favicon) is revalidated on each use; a 304 costs one round trip. */
const REVALIDATE = 'no-cache'
/** The formats the build precompresses (build/precompress.ts). */
const PRECOMPRESSED = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.webmanifest'])

/**
 * Serves the built app from dist/ through @hono/node-server's serveStatic: the brotli or gzip file
 * the build wrote beside each asset when the browser accepts it, strong ETags (hono/etag: a hash of
 * the bytes sent, so each encoding has its own) with 304s, a year of caching for hashed assets and
 * none for index.html. Any other GET that is not a file gets index.html (history-mode deep links).
 */
export function serveApp(distDir: string): Hono {
  const root = resolve(distDir)
  const built: MiddlewareHandler = async (c, next) => {
    if (existsSync(join(root, 'index.html'))) return next()
    return c.text('The app is not built yet. Run `npm run build` (or `npm start`, which builds when needed).', 503)
  }
  const cachePolicy: MiddlewareHandler = async (c, next) => {
    await next()
    if (!c.res.ok) return
    const file = c.req.path.startsWith('/assets/') || extname(c.req.path) ? c.req.path : '/index.html'
    c.res.headers.set('Cache-Control', file.startsWith('/assets/') ? IMMUTABLE : REVALIDATE)
    // The same URL answers br, gzip or plain bytes: caches must key on Accept-Encoding even when plain went out.
    if (PRECOMPRESSED.has(extname(file)) && !/accept-encoding/i.test(c.res.headers.get('Vary') ?? '')) c.res.headers.append('Vary', 'Accept-Encoding')
  }
  // A missing hashed asset is a stale page asking for an old build's file: a plain 404, not the app.
  const staleAsset: MiddlewareHandler = async (c, next) => (c.req.path.startsWith('/assets/') ? c.text('Not found', 404) : next())
  // Made on first use, once dist/ exists: serveStatic complains on stderr about a missing root when made.
  let files: MiddlewareHandler | null = null
  let index: MiddlewareHandler | null = null
  const sendFile: MiddlewareHandler = (c, next) => (files ??= serveStatic({ root, precompressed: true }))(c, next)
  const sendIndex: MiddlewareHandler = (c, next) => (index ??= serveStatic({ root, path: 'index.html', precompressed: true }))(c, next)
  // GET only (Hono answers HEAD through GET routes); other methods fall through to the JSON 404.
  return new Hono().get('*', built, etag(), cachePolicy, sendFile, staleAsset, sendIndex)
}
