/**
 * The SHA-256 of the file last opened for an import, shown in an approval's form (issue 15) so the
 * approver can tell exactly which file the change came from. Hashed only when asked for.
 */
let opened: Blob | null = null
let cached: { of: Blob; hash: Promise<string | null> } | null = null

export function noteOpenedFile(f: Blob): void {
  opened = f
}

/** Lower-case hex SHA-256 of the opened file, or null (none, or no Web Crypto outside a secure context). */
export function openedFileSha256(): Promise<string | null> {
  const f = opened
  if (!f || typeof crypto === 'undefined' || !crypto.subtle) return Promise.resolve(null)
  if (cached?.of !== f) {
    cached = {
      of: f,
      hash: f.arrayBuffer()
        .then((buf) => crypto.subtle.digest('SHA-256', buf))
        .then((d) => [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join(''))
        .catch(() => null),
    }
  }
  return cached.hash
}
