import { describe, expect, it } from 'vitest'
import { DEPARTMENTS } from '../../server/sandbox/seed/departments'
import { createSeed } from '../../server/sandbox/seed/index'
import { PERSONAS } from '../../server/sandbox/seed/personas'

describe('the deterministic seed', () => {
  const seed = createSeed()

  it('is the same tenant every time for the same seed, and another for another seed', () => {
    expect(createSeed()).toEqual(seed)
    expect(createSeed(7).employees.slice(10, 20)).not.toEqual(seed.employees.slice(10, 20))
  })

  it('has 2,000+ employees with unique user, open, union and 19-digit employment ids, in 6+ departments', () => {
    const e = seed.employees
    expect(e.length).toBeGreaterThanOrEqual(2000)
    for (const key of ['user_id', 'open_id', 'union_id', 'employment_id', 'email'] as const) {
      expect(new Set(e.map((x) => x[key])).size).toBe(e.length)
    }
    expect(e.every((x) => /^\d{19}$/.test(x.employment_id))).toBe(true)
    expect(new Set(e.map((x) => x.department)).size).toBeGreaterThanOrEqual(6)
    expect(DEPARTMENTS.length).toBeGreaterThanOrEqual(6)
    expect(e.some((x) => x.status === 'terminated')).toBe(true)
  })

  it('reuses exactly one 工号, for two people', () => {
    const counts = new Map<string, number>()
    for (const x of seed.employees) counts.set(x.employee_no, (counts.get(x.employee_no) ?? 0) + 1)
    expect([...counts].filter(([, n]) => n > 1)).toEqual([['FS10086', 2]])
  })

  it('makes the six README personas employees, and holds the official examples\' ids', () => {
    for (const id of ['wangfang', 'lina', 'zhangwei', 'liuyang', 'chenjing', 'sunli']) {
      expect(seed.employees.find((x) => x.user_id === id)?.persona).toBe(true)
    }
    expect(PERSONAS.filter((p) => p.persona)).toHaveLength(6)
    expect(seed.employees.some((x) => x.employment_id === '6993242233201853965')).toBe(true)
    expect(seed.employees.some((x) => x.user_id === 'ax11d')).toBe(true)
    expect(seed.rules.some((r) => r.archive_rule_id === '1')).toBe(true)
    expect(seed.datasources.some((d) => d.code === 'yache19_8680__c')).toBe(true)
  })

  it('has 3+ archive rules with 40+ headers each, assigned by department', () => {
    expect(seed.rules.length).toBeGreaterThanOrEqual(3)
    for (const r of seed.rules) {
      expect(r.fields.length).toBeGreaterThanOrEqual(40)
      expect(r.departments.length).toBeGreaterThan(0)
      expect(r.fields.every((f) => f.title.zh && f.title.en && f.upper_titles.length > 0)).toBe(true)
    }
  })
})
