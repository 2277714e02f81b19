/**
 * Where the import worker reads a pasted Feishu Sheet / Base link (POST, body `{ link }`, NDJSON
 * answer: src/domain/feishu-source.ts). The worker calls it itself with fetch, so rows never pass
 * through the page; the link is in the body, never in the URL.
 */
export function feishuReadUrl(): string {
  return '/api/sources/feishu/read'
}
