// Readers for untyped request parameters and bodies, and the opaque page tokens of list APIs.

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

export function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

export function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string')
}

/** Opaque page tokens: the offset, base64url-encoded with a tag so random strings are rejected. */
export function encodePageToken(offset: number): string {
  return Buffer.from(`sbx:${offset}`).toString('base64url')
}

export function decodePageToken(token: string | undefined): number | null {
  if (token === undefined || token === '') return 0
  const m = /^sbx:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString())
  return m?.[1] ? Number(m[1]) : null
}

export function parseIntParam(v: string | undefined): number | undefined {
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined
  return Number(v)
}
