/**
 * Column → field auto-mapping: exact code or title (zh/en, with the parent path), then a saved
 * choice of this person, then normalised titles and aliases, then a cautious fuzzy guess. Each
 * column and each field is used once, best confidence first. Flatfile maps automatically only at
 * high confidence; here everything ≥ 0.5 is proposed, and anything below "normalised" is flagged
 * for the person to check.
 */
import type { TargetField, TargetSchema } from '../domain/target'
import { canonicalForms, canonicalTitle, normaliseTitle } from './synonyms'
import type { HeaderColumn } from './header'

export type MatchKind = 'exact' | 'saved' | 'normalised' | 'alias' | 'fuzzy' | 'manual'

export interface ColumnMatch {
  column: number
  field: string | null
  confidence: number
  kind: MatchKind | null
}

export interface SavedMappingEntry { header: string; field: string | null }
export interface SavedMapping { entries: SavedMappingEntry[] }

export interface MappingProposal {
  matches: ColumnMatch[]
  /** Every column matched exactly (or as saved) and every required field is present: the step can be skipped. */
  allExact: boolean
  missingRequired: string[]
}

export { normaliseTitle }

function fullTitles(f: TargetField): string[] {
  const out: string[] = []
  for (const locale of ['zh-CN', 'en-US'] as const) {
    const path = (f.path ?? []).map((p) => p[locale]).filter(Boolean)
    out.push([...path, f.title[locale]].join(' / '))
  }
  return out
}

function levenshtein(a: string, b: string): number {
  if (a === b) return 0
  const m = a.length
  const n = b.length
  if (!m || !n) return m + n
  let prev = Array.from({ length: n + 1 }, (_, j) => j)
  for (let i = 1; i <= m; i++) {
    const cur = [i]
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = cur
  }
  return prev[n] as number
}

function score(col: HeaderColumn, f: TargetField, childTitleCount: Map<string, number>, learned: Map<string, Set<string>>): { confidence: number; kind: MatchKind } | null {
  const title = col.title.trim()
  const last = (col.parts[col.parts.length - 1] ?? '').trim()
  const code = f.code
  if (title === code || col.parts.some((p) => p.trim() === code)) return { confidence: 1, kind: 'exact' }
  const fulls = fullTitles(f)
  if (fulls.includes(title)) return { confidence: 1, kind: 'exact' }
  // The child title alone is exact only when no other field shares it (交通 under 补贴 and under 扣款).
  const unique = (childTitleCount.get(normaliseTitle(f.title['zh-CN'])) ?? 0) <= 1
  if ((last === f.title['zh-CN'] || last === f.title['en-US']) && unique) return { confidence: col.parts.length > 1 && f.path?.length ? 0.95 : 1, kind: 'exact' }
  const nTitle = normaliseTitle(title)
  const nLast = normaliseTitle(last)
  if (!nTitle) return null
  const nFulls = fulls.map(normaliseTitle)
  const nNames = [normaliseTitle(f.title['zh-CN']), normaliseTitle(f.title['en-US']), normaliseTitle(code)]
  if (nFulls.includes(nTitle) || nNames.includes(nTitle) || (unique && nNames.includes(nLast))) return { confidence: 0.9, kind: 'normalised' }
  const aliases = (f.aliases ?? []).map(normaliseTitle)
  if (aliases.includes(nTitle) || aliases.includes(nLast)) return { confidence: 0.85, kind: 'alias' }
  // Synonyms (周末 = 休息日, 餐补 = 餐费补贴, …) on both sides, and headers this person mapped to the field before.
  const forms = canonicalForms(col.parts.length ? col.parts : [title])
  const names = new Set([...nFulls, ...nNames, ...aliases, ...(learned.get(f.code) ?? [])].filter((n) => n.length >= 2).map(canonicalTitle))
  // A child title shared by two fields (交通 under 补贴 and under 扣款) counts only with its parent.
  const candidates = unique ? forms : forms.slice(0, col.parts.length > 1 ? 2 : 1)
  if (candidates.some((c) => c.length >= 2 && names.has(c))) return { confidence: 0.85, kind: 'alias' }
  let best = 0
  for (const name of [...nNames, ...aliases]) {
    if (name.length < 2) continue
    if (nLast.length >= 2 && (name.includes(nLast) || nLast.includes(name))) {
      best = Math.max(best, 0.55 + 0.2 * (Math.min(name.length, nLast.length) / Math.max(name.length, nLast.length)))
    }
    const d = levenshtein(name, nLast)
    const ratio = 1 - d / Math.max(name.length, nLast.length)
    if (ratio >= 0.7) best = Math.max(best, 0.5 + 0.25 * ratio)
  }
  return best >= 0.5 ? { confidence: Math.min(best, 0.8), kind: 'fuzzy' } : null
}

export function autoMap(columns: HeaderColumn[], schema: TargetSchema, saved?: SavedMapping | null): MappingProposal {
  const childTitleCount = new Map<string, number>()
  for (const f of schema.fields) {
    const k = normaliseTitle(f.title['zh-CN'])
    childTitleCount.set(k, (childTitleCount.get(k) ?? 0) + 1)
  }
  const savedByHeader = new Map<string, string | null>()
  // What this person mapped before also teaches the synonyms: a saved header is one more name of its field.
  const learned = new Map<string, Set<string>>()
  for (const e of saved?.entries ?? []) {
    savedByHeader.set(e.header, e.field)
    if (e.field === null) continue
    const names = learned.get(e.field) ?? new Set<string>()
    names.add(normaliseTitle(e.header))
    learned.set(e.field, names)
  }
  const fieldCodes = new Set(schema.fields.map((f) => f.code))
  const pairs: Array<{ column: number; field: string | null; confidence: number; kind: MatchKind }> = []
  for (const col of columns) {
    if (savedByHeader.has(col.title)) {
      const field = savedByHeader.get(col.title) ?? null
      if (field === null || fieldCodes.has(field)) pairs.push({ column: col.index, field, confidence: 0.99, kind: 'saved' })
    }
    for (const f of schema.fields) {
      const s = score(col, f, childTitleCount, learned)
      if (s) pairs.push({ column: col.index, field: f.code, ...s })
    }
  }
  // Exact beats saved (the file may have been fixed since); saved beats guesses.
  pairs.sort((a, b) => b.confidence - a.confidence)
  const byColumn = new Map<number, ColumnMatch>()
  const usedFields = new Set<string>()
  for (const p of pairs) {
    if (byColumn.has(p.column)) continue
    if (p.field !== null && usedFields.has(p.field)) continue
    byColumn.set(p.column, { column: p.column, field: p.field, confidence: p.confidence, kind: p.kind })
    if (p.field !== null) usedFields.add(p.field)
  }
  const matches = columns.map((c) => byColumn.get(c.index) ?? { column: c.index, field: null, confidence: 0, kind: null })
  const missingRequired = schema.fields.filter((f) => f.required && f.writable && !usedFields.has(f.code)).map((f) => f.code)
  const allExact = missingRequired.length === 0 && matches.length > 0 && matches.every((m) => m.kind === 'exact' || (m.kind === 'saved'))
  return { matches, allExact, missingRequired }
}

/** Validates a person's mapping: each field at most once; returns the fields used twice. */
export function duplicateFields(matches: ColumnMatch[]): string[] {
  const seen = new Set<string>()
  const dup = new Set<string>()
  for (const m of matches) {
    if (m.field === null) continue
    if (seen.has(m.field)) dup.add(m.field)
    seen.add(m.field)
  }
  return [...dup]
}

export function toSavedMapping(columns: HeaderColumn[], matches: ColumnMatch[]): SavedMapping {
  const byCol = new Map(matches.map((m) => [m.column, m.field]))
  return { entries: columns.filter((c) => c.title !== '').map((c) => ({ header: c.title.slice(0, 200), field: byCol.get(c.index) ?? null })) }
}
