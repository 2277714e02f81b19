import type { App } from 'vue'

const DARK_QUERY = '(prefers-color-scheme: dark)'

/**
 * The Feishu webview reports the client's light/dark setting through prefers-color-scheme;
 * Arco switches its palette on `<body arco-theme="dark">`. Returns a stop function.
 */
export function followColorScheme(win: Window = window): () => void {
  if (typeof win.matchMedia !== 'function') return () => {}
  const query = win.matchMedia(DARK_QUERY)
  const apply = (dark: boolean) => {
    if (dark) win.document.body.setAttribute('arco-theme', 'dark')
    else win.document.body.removeAttribute('arco-theme')
  }
  apply(query.matches)
  const onChange = (event: MediaQueryListEvent) => apply(event.matches)
  query.addEventListener('change', onChange)
  return () => query.removeEventListener('change', onChange)
}

export function install(_app: App): void {
  followColorScheme()
}
