import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import type { ResolvedConfig } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { precompress } from '../../build/precompress'
import { serveApp } from '../../server/static'
import { startStack } from './harness'

// A built app in miniature, precompressed by the same build step `npm run build` runs.
const dist = mkdtempSync(join(tmpdir(), 'hr-dist-'))
mkdirSync(join(dist, 'assets'))
const js = `export const greeting = ${JSON.stringify('你好 hello '.repeat(400))}\n`
writeFileSync(join(dist, 'assets', 'index-Ab12Cd34.js'), js)
writeFileSync(join(dist, 'index.html'), `<!doctype html><html><head><script type="module" src="/assets/index-Ab12Cd34.js"></script></head><body><div id="app"></div>${' '.repeat(2000)}</body></html>`)
writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
const plugin = precompress()
;(plugin.configResolved as (c: ResolvedConfig) => void)({ build: { outDir: dist } } as ResolvedConfig)
;(plugin.closeBundle as () => void)()
const app = serveApp(dist)
const get = (path: string, headers: Record<string, string> = {}) => app.request(`http://localhost${path}`, { headers })
const bytes = async (r: Response) => Buffer.from(await r.arrayBuffer())

describe('static assets', () => {
  it('sends the brotli file to a browser that accepts br, marked so caches keep the encodings apart', async () => {
    const r = await get('/assets/index-Ab12Cd34.js', { 'Accept-Encoding': 'gzip, deflate, br' })
    expect(r.status).toBe(200)
    expect(r.headers.get('content-encoding')).toBe('br')
    expect(r.headers.get('vary')).toMatch(/accept-encoding/i)
    expect(r.headers.get('content-type')).toMatch(/javascript/)
    const body = await bytes(r)
    expect(body.length).toBeLessThan(js.length / 5)
    expect(brotliDecompressSync(body).toString()).toBe(js)
  })

  it('sends gzip to a browser without br, and plain bytes (still with Vary) to one that accepts neither', async () => {
    const gz = await get('/assets/index-Ab12Cd34.js', { 'Accept-Encoding': 'gzip' })
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    expect(gunzipSync(await bytes(gz)).toString()).toBe(js)
    const plain = await get('/assets/index-Ab12Cd34.js')
    expect(plain.headers.get('content-encoding')).toBeNull()
    expect(plain.headers.get('vary')).toMatch(/accept-encoding/i)
    expect((await bytes(plain)).toString()).toBe(js)
  })

  it('caches hashed assets for a year and never index.html, which deep links also get', async () => {
    expect((await get('/assets/index-Ab12Cd34.js')).headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    for (const path of ['/', '/payroll/ds_1', '/jobs/123']) {
      const r = await get(path, { 'Accept-Encoding': 'br' })
      expect(r.status).toBe(200)
      expect(r.headers.get('cache-control')).toBe('no-cache')
      expect(brotliDecompressSync(await bytes(r)).toString()).toContain('<div id="app">')
    }
  })

  it('answers a repeat visit with 304 and no body when the ETag matches, per encoding', async () => {
    const first = await get('/assets/index-Ab12Cd34.js', { 'Accept-Encoding': 'br' })
    const tag = first.headers.get('etag')
    expect(tag).toMatch(/^"[0-9a-f]+"$/) // strong
    const again = await get('/assets/index-Ab12Cd34.js', { 'Accept-Encoding': 'br', 'If-None-Match': tag! })
    expect(again.status).toBe(304)
    expect((await bytes(again)).length).toBe(0)
    expect(again.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    // The gzip bytes are other bytes: the brotli tag does not validate them.
    const gz = await get('/assets/index-Ab12Cd34.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': tag! })
    expect(gz.status).toBe(200)
    expect(gz.headers.get('etag')).not.toBe(tag)
    const index = await get('/', { 'Accept-Encoding': 'br' })
    expect((await get('/', { 'Accept-Encoding': 'br', 'If-None-Match': index.headers.get('etag')! })).status).toBe(304)
  })

  it('a missing hashed asset is a 404, not the app page; paths cannot leave dist', async () => {
    expect((await get('/assets/index-old.js')).status).toBe(404)
    const r = await get('/%2e%2e/%2e%2e/etc/passwd')
    expect(await r.text()).not.toContain('root:')
  })

  it('says how to build when dist/ holds no app', async () => {
    const r = await serveApp(mkdtempSync(join(tmpdir(), 'hr-empty-'))).request('http://localhost/')
    expect(r.status).toBe(503)
    expect(await r.text()).toContain('npm run build')
  })
})

describe('API answers', () => {
  let stack: Awaited<ReturnType<typeof startStack>>
  beforeAll(async () => { stack = await startStack() })
  afterAll(async () => { await stack.close() })

  it('gzips JSON of a kilobyte or more, and leaves small answers as they are', async () => {
    const c = await stack.signedIn('wangfang')
    const big = await c.request('GET', '/api/payroll/datasources', undefined, { 'Accept-Encoding': 'gzip, br' })
    expect(big.status).toBe(200)
    expect(big.headers.get('content-encoding')).toBe('gzip')
    expect(big.headers.get('vary')).toMatch(/accept-encoding/i)
    const small = await c.request('GET', '/api/me', undefined, { 'Accept-Encoding': 'gzip, br' })
    expect(small.status).toBe(200)
    expect(small.text.length).toBeLessThan(1024)
    expect(small.headers.get('content-encoding')).toBeNull()
  })
})
