import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_APP_SECRET } from '../../server/sandbox/credentials'
import { startStack } from './harness'

let stack: Awaited<ReturnType<typeof startStack>>
beforeAll(async () => {
  stack = await startStack()
  // A realistic sitting: sign in, look around, refresh, sign out.
  const c = await stack.signedIn('wangfang')
  await c.request('GET', '/api/me')
  await c.request('GET', '/api/capabilities')
  stack.clock.advance(2 * 3600 * 1000 + 60_000)
  await c.request('GET', '/api/capabilities')
  await c.request('GET', '/api/config')
  await c.request('DELETE', '/api/session')
})
afterAll(async () => { await stack.close() })

const TOKENISH = /eyJ[A-Za-z0-9_-]{10,}|\b(?:u|ur|t)-[A-Za-z0-9_-]{16,}|access_token|refresh_token/

describe('Feishu tokens and the app secret stay on the server', () => {
  it('no response carries a Feishu token or the app secret', () => {
    expect(stack.responses.length).toBeGreaterThan(5)
    for (const r of stack.responses) {
      expect(r).not.toMatch(TOKENISH)
      expect(r).not.toContain(SANDBOX_APP_SECRET)
    }
  })

  it('no log line carries a Feishu token or the app secret', () => {
    const all = stack.logs.join('\n')
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}|\b(?:u|ur|t)-[A-Za-z0-9_-]{16,}/)
    expect(all).not.toContain(SANDBOX_APP_SECRET)
  })

  it('the database holds tokens only as ciphertext', () => {
    const files = readdirSync(stack.dataDir).filter((f) => f.startsWith('app.db'))
    expect(files).toContain('app.db')
    for (const f of files) expect(readFileSync(join(stack.dataDir, f)).toString('latin1')).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/)
  })

  it('the built app contains no secret', () => {
    expect(existsSync('dist/index.html'), 'run `npm run build` first (npm test does)').toBe(true)
    const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]))
    for (const file of walk('dist')) {
      const text = readFileSync(file).toString('latin1')
      expect(text, file).not.toContain(SANDBOX_APP_SECRET)
      expect(text, file).not.toMatch(/app_secret|client_secret|FEISHU_APP_SECRET|SESSION_SECRET/)
    }
  })
})

describe('security headers', () => {
  it('every answer forbids framing by other sites and sniffing, and sets a CSP', async () => {
    const res = await stack.client().request('GET', '/api/config')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
  })
})
