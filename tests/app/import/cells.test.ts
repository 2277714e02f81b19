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

  it('a block that starts with numbers keeps no tag bytes until it holds something else, and loses nothing when it does', () => {
    const store = new CellStore(16)
    const rows = 9000
    for (let r = 0; r < rows; r++) {
      store.addRow(r + 1)
      if (r % 7 !== 3) store.set(r, 0, Tag.Number, r % 5 === 0 ? 0 : r - 0.5)
      if (r % 2 === 0) store.set(r, 1, Tag.Date, 45292)
    }
    const before = store.byteSize()
    // Column 0, block 0 gets text and a boolean late: it needs tag bytes from then on.
    store.set(4000, 0, Tag.String, store.addString('late'))
    store.set(4001, 0, Tag.Bool, 1)
    // Column 1: a number in a date-only block.
    store.set(8001, 1, Tag.Number, 7)
    expect(store.byteSize()).toBeGreaterThan(before)
    for (let r = 0; r < rows; r++) {
      const want0 = r === 4000 ? 'late' : r === 4001 ? true : r % 7 === 3 ? null : r % 5 === 0 ? 0 : r - 0.5
      expect(store.get(r, 0)).toBe(want0)
      expect(store.tag(r, 0)).toBe(want0 === null ? Tag.Empty : r === 4000 ? Tag.String : r === 4001 ? Tag.Bool : Tag.Number)
      expect(store.num(r, 0)).toBe(want0 === null ? 0 : r === 4001 ? 1 : r === 4000 ? store.strings.indexOf('late') : want0)
      expect(store.get(r, 1)).toBe(r === 8001 ? 7 : r % 2 === 0 ? '2024-01-01' : null)
    }
    const col = new StoreColumn(store, 0, 0)
    expect([col.type(3), col.type(5), col.number(5), col.type(4000), col.type(8000), col.number(8001)]).toEqual([0, 1, 0, 2, 1, 8000.5])
    // Dropping the last row clears it in a block without tag bytes too.
    store.addRow(rows + 1)
    store.set(rows, 0, Tag.Number, 3)
    store.set(rows, 1, Tag.Date, 45000)
    store.dropLastRow()
    store.addRow(rows + 1)
    expect([store.get(rows, 0), store.get(rows, 1), store.tag(rows, 0)]).toEqual([null, null, Tag.Empty])
  })
})
