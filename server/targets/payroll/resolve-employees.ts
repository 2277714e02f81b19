import { allPages } from '../../../src/domain/paging'
import type { Clock } from '../../clock'
import type { CorehrEmployee, FeishuClient } from '../../feishu/client'
import type { Pacer } from '../../jobs/pacer'

export type IdentifierKind = 'employee_no' | 'work_email'

export interface Resolution {
  /**
   * `no_employment_id`: Feishu People knows the person but gave no employment ID (§5: search's
   * `employment_id_v2` is empty when the ID conversion failed). Never written under another ID.
   */
  status: 'found' | 'not_found' | 'ambiguous' | 'no_employment_id'
  employment_id?: string
  terminated?: boolean
  name?: string
  candidates?: Array<{ employment_id: string; name: string; terminated: boolean }>
  /** The employee number as Feishu stores it, when the file wrote it in another letter case. */
  employee_number?: string
}

/** Lookups are cached briefly: CoreHR allows 100 searches a minute for the whole app (§5). */
const CACHE_MS = 5 * 60 * 1000
const PER_SEARCH = 100

/**
 * Employee numbers or work emails → employment_id through CoreHR search with the app's own
 * identity, read-only, only for the identifiers present in the file. A reused employee number
 * (复用工号) matches several people and is reported as ambiguous, never guessed.
 */
export function employeeResolver(feishu: FeishuClient, pacer: Pacer, clock: Clock) {
  const cache = new Map<string, { at: number; value: Resolution }>()
  const keyOf = (tenant: string, by: IdentifierKind, v: string) => `${tenant}\u0000${by}\u0000${by === 'work_email' ? v.toLowerCase() : v}`

  return async function resolve(tenant: string, by: IdentifierKind, values: string[]): Promise<Record<string, Resolution>> {
    const now = clock.now()
    const out: Record<string, Resolution> = {}
    const missing: string[] = []
    for (const v of new Set(values)) {
      const hit = cache.get(keyOf(tenant, by, v))
      if (hit && now - hit.at < CACHE_MS) out[v] = hit.value
      else missing.push(v)
    }
    const search = async (by: IdentifierKind, list: string[]): Promise<CorehrEmployee[]> => {
      const found: CorehrEmployee[] = []
      for (let i = 0; i < list.length; i += PER_SEARCH) {
        const chunk = list.slice(i, i + PER_SEARCH)
        const body = by === 'employee_no' ? { employee_number_list: chunk } : { email_address_list: chunk }
        found.push(...await allPages('corehr.employee.search', ({ pageToken }) => pacer.schedule('corehr.employee.search', () => feishu.searchEmployees(body, pageToken))))
      }
      return found
    }
    const found = await search(by, missing)
    if (by === 'employee_no') {
      // Feishu keeps an employee number in the letter case HR typed it, and whether CoreHR's
      // search matches it case-blind is not documented (UNCONFIRMED): a number the file writes in
      // another case ("fs10013" for "FS10013") is searched again as upper and lower case, and
      // matched case-blind below, so the tenant's own case decides and the file's case never loses
      // a person. An exact match always wins over a case-blind one.
      const numbers = new Set(found.map((e) => (e.employee_number ?? '').toLowerCase()))
      const asked = new Set(missing)
      const variants = new Set<string>()
      for (const v of missing) {
        if (!/[a-z]/i.test(v) || numbers.has(v.toLowerCase())) continue
        for (const w of [v.toUpperCase(), v.toLowerCase()]) if (!asked.has(w)) variants.add(w)
      }
      if (variants.size) found.push(...await search(by, [...variants]))
    }
    // Found people by lower-cased employee number or email: the matching below is per value.
    const byKey = new Map<string, CorehrEmployee[]>()
    for (const e of found) {
      const key = (by === 'employee_no' ? e.employee_number : e.email_address)?.toLowerCase()
      if (key === undefined) continue
      const list = byKey.get(key)
      if (list) list.push(e)
      else byKey.set(key, [e])
    }
    for (const v of missing) {
      const value = resolutionOf(v, by, byKey.get(v.toLowerCase()) ?? [])
      out[v] = value
      cache.set(keyOf(tenant, by, v), { at: now, value })
    }
    return out
  }
}

/** `found`: the people whose employee number (or email) equals `v` but for letter case. */
function resolutionOf(v: string, by: IdentifierKind, found: readonly CorehrEmployee[]): Resolution {
  let matches: CorehrEmployee[] = [...found]
  if (by === 'employee_no') {
    const exact = found.filter((e) => e.employee_number === v)
    if (exact.length) matches = exact
  }
  // One person found by two of the searches (as asked and as a case variant) is one person.
  matches = [...new Map(matches.map((e) => [e.employment_id_v2 || e.employment_id || JSON.stringify(e), e])).values()]
  // Only employment_id_v2 is the Feishu People employment ID the payroll APIs key on (§5):
  // `employment_id` may hold the Feishu user ID when the conversion failed, and a record
  // saved under it would land on nobody (or on someone else), so it is never used.
  const people = matches.map((e) => ({
    employment_id: e.employment_id_v2 ?? '',
    name: e.person_info?.preferred_local_full_name ?? e.person_info?.preferred_name ?? e.user_name ?? '',
    terminated: e.employment_status?.enum_name === 'terminated',
  }))
  const usable = people.filter((p) => p.employment_id)
  if (matches.length === 0) return { status: 'not_found' }
  if (usable.length > 1 || (usable.length === 1 && people.length > 1)) return { status: 'ambiguous', candidates: usable }
  if (usable.length === 0) return { status: 'no_employment_id', name: people[0]!.name }
  const stored = by === 'employee_no' ? matches[0]!.employee_number : undefined
  return {
    status: 'found', employment_id: usable[0]!.employment_id, terminated: usable[0]!.terminated, name: usable[0]!.name,
    ...(stored !== undefined && stored !== v ? { employee_number: stored } : {}),
  }
}

/** What the import will find for an employment: its employee number or work email, or why there is none. */
export type IdentifierOf = { status: 'found'; value: string; name: string } | { status: 'not_found' | 'no_identifier'; name: string }

/**
 * Employment IDs → the identifier the import resolves (employee number or work email), the other
 * way round through the same CoreHR search (employment_id_list typed people_corehr_id, ≤ 100 a
 * search, §5), paced with the app's 100 searches a minute. Only an item whose employment_id_v2 is
 * the ID asked for counts: one whose conversion failed cannot be told apart, so it is "not found".
 */
export async function employeeIdentifiers(feishu: FeishuClient, pacer: Pacer, by: IdentifierKind, employmentIds: string[]): Promise<Map<string, IdentifierOf>> {
  const out = new Map<string, IdentifierOf>()
  const ids = [...new Set(employmentIds)]
  for (let i = 0; i < ids.length; i += PER_SEARCH) {
    const chunk = ids.slice(i, i + PER_SEARCH)
    const found: CorehrEmployee[] = await allPages('corehr.employee.search', ({ pageToken }) => pacer.schedule('corehr.employee.search', () => feishu.searchEmployees({ employment_id_list: chunk }, pageToken)))
    for (const e of found) {
      const id = e.employment_id_v2
      if (!id || !chunk.includes(id)) continue
      const name = e.person_info?.preferred_local_full_name ?? e.person_info?.preferred_name ?? e.user_name ?? ''
      const value = by === 'employee_no' ? e.employee_number : e.email_address
      out.set(id, value ? { status: 'found', value, name } : { status: 'no_identifier', name })
    }
    for (const id of chunk) if (!out.has(id)) out.set(id, { status: 'not_found', name: '' })
  }
  return out
}
