import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config'

const sandbox = { appId: 'cli_sandbox', appSecret: 'sandbox-secret', baseUrl: 'http://127.0.0.1:3999' }

describe('configuration', () => {
  it('runs in sandbox mode with no credentials and keeps a generated session key under DATA_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'))
    const c = loadConfig({ DATA_DIR: dir }, sandbox)
    expect(c.mode).toBe('sandbox')
    expect(c.feishu.baseUrl).toBe(sandbox.baseUrl)
    expect(c.publicUrl).toBe('http://localhost:3000')
    expect(c.secureCookies).toBe(false)
    expect(readFileSync(join(dir, 'session-secret'), 'utf8')).toBe(c.sessionSecret)
    expect(loadConfig({ DATA_DIR: dir }, sandbox).sessionSecret).toBe(c.sessionSecret)
  })

  it('needs the secret, a session key and the public URL with real credentials, and says which is missing', () => {
    expect(() => loadConfig({ FEISHU_APP_ID: 'cli_a5ca35a685b0x26e' })).toThrow(/FEISHU_APP_SECRET/)
    expect(() => loadConfig({ FEISHU_APP_ID: 'cli_a5ca35a685b0x26e', FEISHU_APP_SECRET: 'secret-123456' })).toThrow(/SESSION_SECRET/)
    expect(() => loadConfig({ FEISHU_APP_ID: 'cli_a5ca35a685b0x26e', FEISHU_APP_SECRET: 'secret-123456', SESSION_SECRET: 'short' })).toThrow(ConfigError)
  })

  it('defaults to open.feishu.cn in live mode and uses secure cookies behind https', () => {
    const c = loadConfig({ FEISHU_APP_ID: 'cli_a5ca35a685b0x26e', FEISHU_APP_SECRET: 'secret-123456', SESSION_SECRET: 's'.repeat(40), PUBLIC_URL: 'https://hr.example.com/' })
    expect(c.mode).toBe('live')
    expect(c.feishu.baseUrl).toBe('https://open.feishu.cn')
    expect(c.publicUrl).toBe('https://hr.example.com')
    expect(c.secureCookies).toBe(true)
  })

  it('refuses a malformed port with a readable message', () => {
    expect(() => loadConfig({ PORT: 'eighty' }, sandbox)).toThrow(/PORT/)
  })
})
