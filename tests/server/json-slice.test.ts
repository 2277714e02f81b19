import { describe, expect, it } from 'vitest'
import { arrayTextAt, joinArrayTexts } from '../../server/sources/json-slice'

const PATH = ['data', 'valueRange', 'values'] as const

describe('the array at a key path of a JSON text, without parsing it', () => {
  it('finds a values answer as Feishu writes it, with every kind of cell', () => {
    const values = [['工号', 'say "hi"', 'back\\slash\\', '"values":[1]', null, 1.5, true, [{ type: 'text', text: 'a]b' }], { link: 'x}' }]]
    const body = { code: 0, msg: 'success', data: { revision: 3, spreadsheetToken: 't', valueRange: { majorDimension: 'ROWS', range: 's!A1:I1', revision: 3, values } } }
    const text = JSON.stringify(body)
    const found = arrayTextAt(text, PATH)
    expect(found).not.toBeNull()
    expect(JSON.parse(found!)).toEqual(values)
  })

  it('does not care about key order or white space, and ignores the same key elsewhere', () => {
    const text = `{ "data" : { "values": [9], "valueRange" : {"values" : [ [1, 2], [3] ] , "range": "a"} }, "msg": "x\\"values\\":[0]", "code": 0 }`
    expect(JSON.parse(arrayTextAt(text, PATH)!)).toEqual([[1, 2], [3]])
  })

  it('answers null when the path is missing or the text is cut off', () => {
    expect(arrayTextAt('{"code":0,"data":{"valueRange":{"range":"a"}}}', PATH)).toBeNull()
    expect(arrayTextAt('{"code":0,"data":{"valueRange":{"values":[[1,2],[3', PATH)).toBeNull()
    expect(arrayTextAt('{"code":0,"data":{"valueRange":{"values":"[1]"}}}', PATH)).toBeNull()
  })

  it('joins two array texts into one', () => {
    expect(JSON.parse(joinArrayTexts('[[1],[2]]', '[[3]]'))).toEqual([[1], [2], [3]])
    expect(joinArrayTexts('[]', '[[3]]')).toBe('[[3]]')
    expect(joinArrayTexts('[[1]]', '[ ]')).toBe('[[1]]')
  })
})
