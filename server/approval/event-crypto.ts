import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto'

/**
 * Feishu event subscription security (开发者后台 → 事件与回调 → 加密策略), as documented:
 * - with an Encrypt Key the body is `{ "encrypt": base64(iv ‖ ciphertext) }`, AES-256-CBC with key
 *   sha256(encrypt_key), the first 16 bytes the IV, PKCS#7 padding;
 * - X-Lark-Signature = hex(sha256(X-Lark-Request-Timestamp + X-Lark-Request-Nonce + encrypt_key + raw body)).
 */
export function decryptEvent(encryptKey: string, encrypted: string): string {
  const raw = Buffer.from(encrypted, 'base64')
  if (raw.length < 32 || raw.length % 16 !== 0) throw new Error('encrypted event has a bad length')
  const key = createHash('sha256').update(encryptKey, 'utf8').digest()
  const decipher = createDecipheriv('aes-256-cbc', key, raw.subarray(0, 16))
  return Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]).toString('utf8')
}

/** Constant-time comparison of the signature header with the one computed from the raw body. */
export function signatureValid(headers: { timestamp?: string; nonce?: string; signature?: string }, encryptKey: string, rawBody: string): boolean {
  if (!headers.timestamp || !headers.nonce || !headers.signature || !/^[0-9a-f]{64}$/i.test(headers.signature)) return false
  const expected = createHash('sha256').update(headers.timestamp + headers.nonce + encryptKey + rawBody, 'utf8').digest()
  return timingSafeEqual(expected, Buffer.from(headers.signature, 'hex'))
}
