// @vitest-environment node
// Runs in Node: the readers use Blob streams and DecompressionStream as in a worker.
import { describe, expect, it } from 'vitest'
import type { TargetSchema } from '../../../src/domain/target'
import { encodeBig5, encodeGb, encodeUtf16, utf8 } from './fixtures/encode'
import { openFile } from './harness'

const t = (zh: string, en: string) => ({ 'zh-CN': zh, 'en-US': en })
const schema: TargetSchema = {
  kind: 'attendance', id: 'r', title: t('报表', 'Report'), keyFields: ['employee_no'],
  fields: [
    { code: 'employee_no', title: t('工號', 'Employee No.'), kind: 'identifier', required: true, writable: true, aliases: ['工号'] },
    { code: 'name', title: t('姓名', 'Name'), kind: 'text', required: false, writable: true },
    { code: 'note', title: t('備註', 'Note'), kind: 'text', required: false, writable: true, aliases: ['备注'] },
  ],
}
const TEXT = '工號,姓名,備註\r\nA001,陳大文,加班補貼\r\nA002,林美玲,"逗號,在引號裡"\r\n'
const ROWS = [['A001', '陳大文', '加班補貼'], ['A002', '林美玲', '逗號,在引號裡']]

function rowsOf(session: Awaited<ReturnType<typeof openFile>>['session']): unknown[][] {
  session.applyMapping({ matches: [0, 1, 2].map((column) => ({ column, field: schema.fields[column]!.code, confidence: 1, kind: 'manual' as const })) })
  return session.rows({ filter: 'all', order: 'sheet', start: 0, count: 10 }).rows.map((r) => [r.cells.employee_no, r.cells.name, r.cells.note])
}

describe('the person can read a CSV again in another encoding', () => {
  it('a Big5 file (Traditional Chinese), which detection takes for GBK, reads right once Big5 is chosen', async () => {
    const bytes = encodeBig5(TEXT)
    expect(new TextDecoder('big5').decode(bytes)).toBe(TEXT) // the fixture itself is right
    const { session, opened } = await openFile(bytes, 'tw.csv', schema)
    expect(opened.encoding).not.toBe('big5')
    expect(opened.sheet?.layout.columns.map((c) => c.title)).not.toEqual(['工號', '姓名', '備註'])
    const again = await session.reread({ encoding: 'big5' })
    expect(again).toMatchObject({ encoding: 'big5', encodingExact: true, delimiter: ',' })
    expect(again.sheet?.layout.columns.map((c) => c.title)).toEqual(['工號', '姓名', '備註'])
    expect(rowsOf(session)).toEqual(ROWS)
  })

  it('GB18030, UTF-16 and UTF-8 chosen by hand read their files; the wrong choice reads with a warning instead of failing', async () => {
    const simplified = '工号,姓名,备注\r\nA001,张三,加班补贴\r\n'
    for (const [bytes, choice] of [[encodeGb(simplified, false), 'gb18030'], [encodeUtf16(simplified, true, true), 'utf-16le'], [encodeUtf16(simplified, false, true), 'utf-16le'], [utf8(simplified), 'utf-8']] as const) {
      const { session } = await openFile(bytes, 'x.csv', schema)
      const r = await session.reread({ encoding: choice })
      expect([choice, r.encodingExact, r.sheet?.layout.columns.map((c) => c.title)]).toEqual([choice, true, ['工号', '姓名', '备注']])
    }
    const { session } = await openFile(encodeGb(simplified, false), 'gbk.csv', schema)
    const wrong = await session.reread({ encoding: 'utf-8' })
    expect(wrong).toMatchObject({ encoding: 'utf-8', encodingExact: false })
    // …and choosing again puts it right: nothing was lost.
    const right = await session.reread({ encoding: 'gb18030' })
    expect(right.sheet?.layout.columns.map((c) => c.title)).toEqual(['工号', '姓名', '备注'])
  })
})
