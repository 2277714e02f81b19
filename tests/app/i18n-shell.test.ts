import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SHELL_AREAS } from '../../build/split-messages'
import enUS from '../../src/i18n/en-US'

/**
 * The production build ships only the shell's message areas with the first page; the rest load with
 * the lazy pages (build/split-messages.ts). A text of another area on the first page (the layout,
 * home, sign-in) shows as its key — "jobs.nav" — until a lazy page happens to load them.
 */

/** Every source file the app's entry reaches without a lazy import(), following relative imports. */
function eagerFiles(): string[] {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    // Static imports only: `import(…)` (lazy routes, the worker) loads later.
    for (const m of text.matchAll(/^\s*import\s+(?:type\s+)?[^'"]*?from\s+'(\.[^']+)'/gm)) {
      if (/^\s*import\s+type\b/.test(m[0])) continue
      const spec = m[1]!
      const base = resolve(dirname(file), spec)
      const candidates = spec.endsWith('.vue') || spec.endsWith('.ts') ? [base] : [`${base}.ts`, `${base}/index.ts`]
      const found = candidates.find((c) => { try { readFileSync(c); return true } catch { return false } })
      if (found && !found.includes('/i18n/')) visit(found)
    }
  }
  visit(resolve('src/main.ts'))
  return [...seen]
}

/** The message keys a file asks for by literal (or the literal start of a template key). */
function keysOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/\b\$?t[ce]?\(\s*['`]([a-zA-Z][\w.]*)/g)].map((m) => m[1]!)
}

describe('the first page’s texts', () => {
  it('come from the message areas shipped with it, never from an area a lazy page loads', () => {
    const files = eagerFiles()
    // The walk really reaches the shell: the layout, home and the capability cards.
    expect(files.some((f) => f.endsWith('components/AppLayout.vue'))).toBe(true)
    expect(files.some((f) => f.endsWith('pages/HomePage.vue'))).toBe(true)
    expect(files.some((f) => f.endsWith('components/CapabilityCard.vue'))).toBe(true)
    const outside = files.flatMap((f) => keysOf(f).filter((k) => k.includes('.') && !SHELL_AREAS.includes(k.split('.')[0]!)).map((k) => `${f.replace(/.*\/src\//, 'src/')}: ${k}`))
    expect(outside).toEqual([])
  })

  it('names every area it uses in both languages’ catalogues', () => {
    for (const area of SHELL_AREAS) expect(Object.keys(enUS), area).toContain(area)
  })
})
