/**
 * Sign-in's redirect URIs and the session cookie belong to PUBLIC_URL's host: a page opened on
 * another one (127.0.0.1 instead of localhost, a bare IP behind the load balancer) must move there
 * before sign-in starts, or Feishu refuses the redirect URI. Decided in the browser from where it
 * really is, so a proxy that rewrites Host can never cause a redirect loop.
 * Returns the URL to go to, or null when this is the right place already.
 */
export function canonicalUrl(publicUrl: string | undefined, here: { origin: string }, fullPath: string): string | null {
  if (!publicUrl) return null
  let target: URL
  try {
    target = new URL(publicUrl)
  } catch {
    return null
  }
  if (target.origin === here.origin) return null
  return `${target.origin}${target.pathname.replace(/\/+$/, '')}${fullPath}`
}
