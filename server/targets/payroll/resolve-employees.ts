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
    for (let i = 0; i < missing.length; i += PER_SEARCH) {
      const chunk = missing.slice(i, i + PER_SEARCH)
      const body = by === 'employee_no' ? { employee_number_list: chunk } : { email_address_list: chunk }
      const found: CorehrEmployee[] = await allPages('corehr.employee.search', ({ pageToken }) => pacer.schedule('corehr.employee.search', () => feishu.searchEmployees(body, pageToken)))
      for (const v of chunk) {
        const matches = found.filter((e) => (by === 'employee_no' ? e.employee_number === v : (e.email_address ?? '').toLowerCase() === v.toLowerCase()))
        // Only employment_id_v2 is the Feishu People employment ID the payroll APIs key on (§5):
        // `employment_id` may hold the Feishu user ID when the conversion failed, and a record
        // saved under it would land on nobody (or on someone else), so it is never used.
        const people = matches.map((e) => ({
          employment_id: e.employment_id_v2 ?? '',
          name: e.person_info?.preferred_local_full_name ?? e.person_info?.preferred_name ?? e.user_name ?? '',
          terminated: e.employment_status?.enum_name === 'terminated',
        }))
        const usable = people.filter((p) => p.employment_id)
        const value: Resolution = matches.length === 0
          ? { status: 'not_found' }
          : usable.length > 1 || (usable.length === 1 && people.length > 1)
            ? { status: 'ambiguous', candidates: usable }
            : usable.length === 1
              ? { status: 'found', employment_id: usable[0]!.employment_id, terminated: usable[0]!.terminated, name: usable[0]!.name }
              : { status: 'no_employment_id', name: people[0]!.name }
        out[v] = value
        cache.set(keyOf(tenant, by, v), { at: now, value })
      }
    }
    return out
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
