import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config'

const live = { FEISHU_APP_ID: 'cli_a5ca35a685b0x26e', FEISHU_APP_SECRET: 'secret-123456', SESSION_SECRET: 's'.repeat(40), PUBLIC_URL: 'https://hr.example.com' }

describe('payroll approval configuration', () => {
  it('gates nothing without PAYROLL_APPROVAL_CODE', () => {
    expect(loadConfig(live).approval).toEqual({ codes: {}, pollMs: 60_000, events: null })
  })

  it('takes the approval code, the event secrets and the poll interval', () => {
    const c = loadConfig({ ...live, PAYROLL_APPROVAL_CODE: '7C468A54-8745-2245-9675-08B7C63E7A85', FEISHU_ENCRYPT_KEY: 'k3y', FEISHU_VERIFICATION_TOKEN: 'v3r', APPROVAL_POLL_MS: '5000' })
    expect(c.approval).toEqual({ codes: { payroll: '7C468A54-8745-2245-9675-08B7C63E7A85' }, pollMs: 5000, events: { encryptKey: 'k3y', verificationToken: 'v3r' } })
  })

  it('fails fast, saying why, on a malformed code or a Verification Token without an Encrypt Key', () => {
    expect(() => loadConfig({ ...live, PAYROLL_APPROVAL_CODE: 'not a code!' })).toThrow(/PAYROLL_APPROVAL_CODE/)
    expect(() => loadConfig({ ...live, FEISHU_VERIFICATION_TOKEN: 'v3r' })).toThrow(ConfigError)
    expect(() => loadConfig({ ...live, FEISHU_VERIFICATION_TOKEN: 'v3r' })).toThrow(/FEISHU_ENCRYPT_KEY/)
    expect(() => loadConfig({ ...live, APPROVAL_POLL_MS: '10' })).toThrow(/APPROVAL_POLL_MS/)
  })
})
