import { describe, expect, it } from 'vitest'
import { CellStore, StoreColumn, Tag } from '../../../src/import/cells'

describe('CellStore blocks', () => {
  it('keeps every value when a text block later gets numbers, across blocks, and after dropping a row', () => {
    const store = new CellStore(16)
    const rows = 10_000
    for (let r = 0; r < rows; r++) {
      store.addRow(r + 1)
      // Text first (the block starts as 32-bit integers), then doubles and dates in the same block.
      if (r % 3 === 0) store.set(r, 0, Tag.String, store.addString(`t${r}`))
      else if (r % 3 === 1) store.set(r, 0, Tag.Number, r + 0.25)
      else store.set(r, 0, Tag.Bool, r % 2)
      if (r % 1000 === 999) store.set(r, 2, Tag.Date, 45292.5)
    }
    store.addRow(rows + 1)
    store.set(rows, 0, Tag.Number, 1.5)
    store.dropLastRow()
    expect(store.rowCount).toBe(rows)
    for (let r = 0; r < rows; r++) {
      const want = r % 3 === 0 ? `t${r}` : r % 3 === 1 ? r + 0.25 : r % 2 === 1
      expect(store.get(r, 0)).toBe(want)
      expect(store.get(r, 1)).toBeNull()
      expect(store.get(r, 2)).toBe(r % 1000 === 999 ? '2024-01-01' : null)
    }
    expect(store.tag(rows, 0)).toBe(Tag.Empty)
    const col = new StoreColumn(store, 0, 1)
    expect([col.type(0), col.number(0), col.type(1), col.value(1), col.type(2), col.type(rows)]).toEqual([1, 1.25, 2, false, 2, 0])
  })
})
