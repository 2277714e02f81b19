// A Base record's value as the cell a person would see (多维表格记录数据结构), for the import pipeline.
import type { SourceCell } from '../../src/domain/feishu-source'

/** Base stores dates as ms; the tenant's day is Asia/Shanghai (UTC+8, no DST). UNCONFIRMED for other tenant time zones. */
const TZ_OFFSET_MS = 8 * 3600_000

function two(n: number): string {
  return String(n).padStart(2, '0')
}

/** ms → 'yyyy/MM/dd' (as a Sheet's date reads), with ' HH:mm' when the time is not midnight. */
export function baseDate(ms: number): string {
  const d = new Date(ms + TZ_OFFSET_MS)
  const day = `${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}`
  return d.getUTCHours() || d.getUTCMinutes() ? `${day} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}` : day
}

function textOf(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (Array.isArray(v)) return v.map(textOf).filter((s) => s !== '').join(', ')
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    // Text segments, links, options, people, attachments, groups: the part a person reads.
    for (const k of ['text', 'link', 'name', 'value', 'full_address', 'email']) if (o[k] !== undefined) return textOf(o[k])
  }
  return ''
}

/** A person of a person field as the records search gives them (its id of the user_id_type asked). */
export interface BasePerson { id?: unknown; name?: unknown; email?: unknown }

/**
 * How each person of a person field (11 人员, 1003 创建人, 1004 修改人) is written: by default their
 * email, which the payroll resolver matches as a work email (server/targets/payroll/resolve-employees.ts),
 * or the name when Feishu gave no email (the app lacks contact:user.email:readonly): the row then shows
 * an unknown person. The reader passes its own rule when the target identifies people otherwise.
 */
export type PersonText = (p: BasePerson) => string

export const byEmail: PersonText = (p) => (typeof p.email === 'string' && p.email ? p.email : typeof p.name === 'string' ? p.name : '')

function people(v: unknown, person: PersonText): string {
  // A lookup of one person gives the person itself rather than a list of one.
  const list = Array.isArray(v) ? v : v !== null && typeof v === 'object' ? [v] : null
  if (!list) return textOf(v)
  return list.map((p) => person((p ?? {}) as BasePerson)).filter(Boolean).join(', ')
}

/** The ids of the people in a field value (person fields, and formulas or lookups giving people). */
export function basePeopleIds(type: number, v: unknown): string[] {
  if (type === 11 || type === 1003 || type === 1004) {
    return Array.isArray(v) ? v.map((p) => (p as BasePerson | null)?.id).filter((id): id is string => typeof id === 'string' && id !== '') : []
  }
  if ((type === 19 || type === 20) && v && typeof v === 'object' && 'value' in v) {
    const o = v as { type?: number; value?: unknown }
    return typeof o.type === 'number' && o.type !== type ? basePeopleIds(o.type, o.value) : []
  }
  return []
}

/** One field value of a record by the field's type (1 text, 2 number, 3 single select, 5 date, 7 checkbox, 11 person …). */
export function baseCell(type: number, v: unknown, person: PersonText = byEmail): SourceCell {
  if (v === null || v === undefined || v === '') return null
  switch (type) {
    case 2: case 1005: // number (currency, progress, rating), auto number
      return typeof v === 'number' ? v : textOf(v) || null
    case 5: case 1001: case 1002: // date, created time, modified time: ms timestamps
      return typeof v === 'number' ? baseDate(v) : textOf(v) || null
    case 7:
      return typeof v === 'boolean' ? v : null
    case 11: case 1003: case 1004:
      return people(v, person) || null
    case 20: case 19: { // formula, lookup: { type, value: [...] }
      const o = v as { type?: number; value?: unknown }
      if (o && typeof o === 'object' && 'value' in o) {
        const inner = Array.isArray(o.value) && o.value.length === 1 ? o.value[0] : o.value
        return baseCell(typeof o.type === 'number' ? o.type : 1, inner, person)
      }
      return typeof v === 'number' ? v : textOf(v) || null
    }
    default:
      return textOf(v) || null
  }
}
