import type { TargetField } from './target'

/** The server fills a pre-filled template for at most this many listed people (one resolve call). */
export const PEOPLE_LIST_MAX = 1000

/**
 * A list of people as someone pastes or uploads it (.txt / .csv): one identifier per line, the
 * first cell of a CSV line, a header line naming the ID column left out, repeats kept once.
 * Employee numbers keep their case; emails are matched whatever their case, as the import does.
 */
export function parsePeopleList(text: string, idField: Pick<TargetField, 'code' | 'title' | 'aliases' | 'letterCase'>): string[] {
  const names = new Set([idField.code, idField.title['zh-CN'], idField.title['en-US'], ...(idField.aliases ?? [])].map((n) => n.trim().toLowerCase()))
  const out = new Set<string>()
  for (const [i, line] of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).entries()) {
    const first = (line.split(/[,;\t，；]/)[0] ?? '').trim().replace(/^"(.*)"$/, '$1').trim()
    if (!first || (i === 0 && names.has(first.toLowerCase()))) continue
    out.add(idField.letterCase === 'lower' ? first.toLowerCase() : first)
  }
  return [...out]
}
