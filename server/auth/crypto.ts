import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Feishu tokens at rest: AES-256-GCM with a key derived from SESSION_SECRET (HKDF), a random
 * 96-bit IV per value, and the session id hash as associated data so a ciphertext copied into
 * another session's row does not decrypt.
 */
export interface TokenCipher {
  seal(plain: string, context: string): string
  open(sealed: string, context: string): string
}

export function tokenCipher(secret: string): TokenCipher {
  const key = Buffer.from(hkdfSync('sha256', secret, 'feishu-hr-data-gadget', 'token-encryption-v1', 32))
  return {
    seal(plain, context) {
      const iv = randomBytes(12)
      const c = createCipheriv('aes-256-gcm', key, iv)
      c.setAAD(Buffer.from(context))
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()])
      return ['v1', iv.toString('base64url'), body.toString('base64url'), c.getAuthTag().toString('base64url')].join('.')
    },
    open(sealed, context) {
      const [version, iv, body, tag] = sealed.split('.')
      if (version !== 'v1' || !iv || !body || !tag) throw new Error('Unknown token ciphertext format')
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      d.setAAD(Buffer.from(context))
      d.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8')
    },
  }
}

/** A new session id: 256 random bits, URL-safe. Only its hash is stored. */
export const newSessionId = () => randomBytes(32).toString('base64url')
export const hashSessionId = (id: string) => createHash('sha256').update(id).digest('base64url')
