import { describe, expect, it } from 'vitest'
import { baseCell, basePeopleIds, byEmail, type PersonText } from '../../server/sources/base-values'

const wang = { id: 'u1', name: '王芳', en_name: 'Wang Fang', email: 'wang@corp.example.com' }
const li = { id: 'u2', name: '李娜', email: 'li@corp.example.com' }
const byId: PersonText = (p) => (typeof p.id === 'string' ? p.id : '')

describe('a Base record value as the cell a person sees', () => {
  it('keeps numbers, reads dates in the tenant’s day, checkboxes as booleans and options and text as their text', () => {
    expect(baseCell(2, 1234.5)).toBe(1234.5)
    // 2024-09-30 16:30 UTC is 2024-10-01 00:30 in Asia/Shanghai.
    expect(baseCell(5, Date.UTC(2024, 8, 30, 16, 0))).toBe('2024/10/01')
    expect(baseCell(5, Date.UTC(2024, 8, 30, 16, 30))).toBe('2024/10/01 00:30')
    expect(baseCell(7, true)).toBe(true)
    expect(baseCell(3, '续约客户')).toBe('续约客户')
    expect(baseCell(1, [{ type: 'text', text: 'a' }, { type: 'url', text: 'b', link: 'https://x' }])).toBe('a, b')
    expect(baseCell(20, { type: 2, value: [752.5] })).toBe(752.5)
    expect(baseCell(1, '')).toBeNull()
  })

  it('writes people as the target asks — by default their work email, else the name — also through a lookup of one person', () => {
    expect(baseCell(11, [wang, li])).toBe('wang@corp.example.com, li@corp.example.com')
    expect(baseCell(11, [{ id: 'u3', name: '张伟' }], byEmail)).toBe('张伟')
    expect(baseCell(11, [wang, li], byId)).toBe('u1, u2')
    expect(baseCell(19, { type: 11, value: [wang] }, byId)).toBe('u1')
    expect(baseCell(1003, [li], byId)).toBe('u2')
  })

  it('finds the ids of the people in person fields and in lookups of them, nothing in other fields', () => {
    expect(basePeopleIds(11, [wang, li, { name: 'no id' }])).toEqual(['u1', 'u2'])
    expect(basePeopleIds(19, { type: 11, value: [wang] })).toEqual(['u1'])
    expect(basePeopleIds(1, [{ type: 'text', text: 'u1' }])).toEqual([])
    expect(basePeopleIds(11, 'not a list')).toEqual([])
  })
})
