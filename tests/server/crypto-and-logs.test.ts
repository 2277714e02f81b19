import { describe, expect, it } from 'vitest'
import { hashSessionId, newSessionId, tokenCipher } from '../../server/auth/crypto'
import { createLogger, redact } from '../../server/logger'

describe('tokens at rest', () => {
  const cipher = tokenCipher('a-session-secret-that-is-long-enough-123')

  it('round-trips a token and never stores it in clear', () => {
    const token = 'eyJhbGciOiJFUzI1NiIs.' + 'x'.repeat(1200)
    const sealed = cipher.seal(token, 'session-a')
    expect(sealed).not.toContain(token.slice(0, 20))
    expect(cipher.open(sealed, 'session-a')).toBe(token)
  })

  it('refuses a ciphertext moved to another session or made with another secret', () => {
    const sealed = cipher.seal('u-abcdefghijklmnopqrstuvwxyz', 'session-a')
    expect(() => cipher.open(sealed, 'session-b')).toThrow()
    expect(() => tokenCipher('another-secret-that-is-long-enough-456').open(sealed, 'session-a')).toThrow()
  })

  it('gives each session a fresh 256-bit id and stores only its hash', () => {
    const a = newSessionId()
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(newSessionId()).not.toBe(a)
    expect(hashSessionId(a)).not.toBe(a)
    expect(hashSessionId(a)).toBe(hashSessionId(a))
  })
})

describe('logs', () => {
  it('mask token-shaped strings and secret-named fields', () => {
    const lines: string[] = []
    const log = createLogger('debug', (l) => lines.push(l))
    log.info('calling with eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.payload', { refresh_token: 'ur-abcdefghijklmnopqrstuv', nested: { authorization: 'Bearer t-abcdefghijklmnopqrstuvwxyz' }, count: 3 })
    const out = lines.join('\n')
    expect(out).not.toContain('eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9')
    expect(out).not.toContain('ur-abcdefghijklmnopqrstuv')
    expect(out).not.toContain('t-abcdefghijklmnopqrstuvwxyz')
    expect(out).toContain('"count":3')
  })

  it('keeps ordinary values readable', () => {
    expect(redact({ name: '王芳', codes: [2500014] })).toEqual({ name: '王芳', codes: [2500014] })
  })
})
