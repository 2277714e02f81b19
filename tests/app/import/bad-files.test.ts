// @vitest-environment node
// Runs in Node: the readers use Blob streams and DecompressionStream as in a worker.
import * as XLSX from '@e965/xlsx'
import { zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { ImportClient, inProcessTransport, type Transport } from '../../../src/import/client'
import { FileError } from '../../../src/import/errors'
import { concatChunks, writeXlsx } from '../../../src/import/xlsx-write'
import { payrollSchema } from './fixtures/schemas'
import { blobOf, fileErrorOf, openFile } from './harness'
import { ourWorkbook } from './fixtures/corpus'

const open = (bytes: Uint8Array | string, name: string) => fileErrorOf(() => openFile(bytes, name, payrollSchema))

/** An OLE compound file header followed by directory names, as Office writes for encrypted or legacy files. */
function oleFile(streamNames: string[]): Uint8Array {
  const out = new Uint8Array(4096)
  out.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
  let o = 1024
  for (const name of streamNames) {
    for (let i = 0; i < name.length; i++) out[o + i * 2] = name.charCodeAt(i)
    o += 128
  }
  return out
}

/** A real workbook whose central directory claims `claimedSize` bytes for the sheet. */
function withClaim(zip: Uint8Array, claimedSize: number, name = 'xl/worksheets/sheet1.xml'): Uint8Array {
  const out = zip.slice()
  const view = new DataView(out.buffer)
  for (let i = out.length - 22; i >= 0; i--) {
    if (view.getUint32(i, true) !== 0x02014b50) continue
    const nameLen = view.getUint16(i + 28, true)
    if (new TextDecoder().decode(out.subarray(i + 46, i + 46 + nameLen)) === name) view.setUint32(i + 24, claimedSize, true)
  }
  return out
}

/** Offset of an entry's compressed data. */
function dataOffset(zip: Uint8Array, name: string): number {
  const view = new DataView(zip.buffer, zip.byteOffset)
  for (let i = zip.length - 22; i >= 0; i--) {
    if (view.getUint32(i, true) !== 0x02014b50) continue
    const nameLen = view.getUint16(i + 28, true)
    if (new TextDecoder().decode(zip.subarray(i + 46, i + 46 + nameLen)) !== name) continue
    const local = view.getUint32(i + 42, true)
    return local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true)
  }
  throw new Error(`no ${name}`)
}

describe('files that cannot be imported get a clear reason, fast', () => {
  it('an empty file', async () => {
    expect((await open(new Uint8Array(0), 'a.xlsx')).code).toBe('empty_file')
    expect((await open('', 'a.csv')).code).toBe('empty_file')
  })

  it('a password-protected workbook (an OLE container with EncryptedPackage)', async () => {
    expect((await open(oleFile(['EncryptionInfo', 'EncryptedPackage']), 'salary.xlsx')).code).toBe('password_protected')
  })

  it('an Excel 2003 XML spreadsheet (not read: save it as .xlsx)', async () => {
    const wb = XLSX.utils.book_new()
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['工号'], ['000123']]), 'S')
    const xml = XLSX.write(wb, { type: 'string', bookType: 'xlml' }) as string
    expect((await open(xml, 'old.xls')).code).toBe('legacy_xls')
  })

  it('an OLE file that is neither a workbook nor encrypted (a .doc renamed .xls)', async () => {
    expect((await open(oleFile(['WordDocument']), 'old.xls')).code).toBe('legacy_xls')
  })

  it('a cut-off .xlsx, and one with damaged compressed data', async () => {
    const good = ourWorkbook()
    expect((await open(good.slice(0, Math.floor(good.length * 0.6)), 'cut.xlsx')).code).toBe('corrupt_zip')
    const broken = good.slice()
    const at = dataOffset(broken, 'xl/worksheets/sheet1.xml')
    for (let i = at; i < at + 40; i++) broken[i] = 0xff
    expect((await open(broken, 'broken.xlsx')).code).toBe('corrupt_zip')
  })

  it('a zip bomb that claims gigabytes is refused from its directory, before inflating', async () => {
    const e = await open(withClaim(ourWorkbook(), 0xfffffff0), 'bomb.xlsx')
    expect(e.code).toBe('zip_bomb')
  })

  it('a zip bomb that lies about its size stops at the claimed size', async () => {
    // 64 MB of spaces inside the sheet, declared as 1 KB.
    const huge = new Uint8Array(64 * 1024 * 1024).fill(0x20)
    const real = zipSync({ 'xl/worksheets/sheet1.xml': huge })
    const bytes = withClaim(real, 1024)
    expect(bytes.length).toBeLessThan(200_000)
    const { inflateEntry, readZipDirectory } = await import('../../../src/import/zip')
    const entry = (await readZipDirectory(blobOf(bytes))).get('xl/worksheets/sheet1.xml')!
    let seen = 0
    const e = await fileErrorOf(() => inflateEntry(blobOf(bytes), entry, (c) => { seen += c.length }))
    expect(e.code).toBe('zip_bomb')
    expect(seen).toBeLessThanOrEqual(1024)
  })

  it('more than 1,000,000 rows (xlsx and csv)', async () => {
    function* rows() { for (let i = 0; i <= 1_000_001; i++) yield [i] }
    const xlsx = concatChunks(writeXlsx([{ name: 'S', rows: rows() }], { level: 1 }))
    const e = await open(xlsx, 'big.xlsx')
    expect(e.code).toBe('too_many_rows')
    expect(e.params.limit).toBe(1_000_000)
    expect((await open('n\n' + '1\n'.repeat(1_000_001), 'big.csv')).code).toBe('too_many_rows')
  }, 60_000)

  it('a 10 MB cell, named by its address', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024)
    const xlsx = concatChunks(writeXlsx([{ name: 'S', rows: [['工号', '备注'], ['1', big]] }], { level: 1 }))
    const e = await open(xlsx, 'cell.xlsx')
    expect(e.code).toBe('cell_too_large')
    expect(e.params.cell).toBe('B2')
    const inline = concatChunks(writeXlsx([{ name: 'S', rows: [['工号', '备注'], ['1', big]] }], { level: 1, sharedStrings: false }))
    expect((await open(inline, 'cell.xlsx')).params.cell).toBe('B2')
    expect((await open(`工号,备注\n1,${big}\n`, 'cell.csv')).code).toBe('cell_too_large')
  }, 30_000)

  it('binary garbage renamed .xlsx, and an HTML page saved as .xls', async () => {
    const garbage = new Uint8Array(5000)
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 256
    expect((await open(garbage, 'report.xlsx')).code).toBe('not_a_spreadsheet')
    expect((await open('<html><body><table><tr><td>1</td></tr></table></body></html>', 'export.xls')).code).toBe('html_disguised')
  })

  it('a CSV renamed .xlsx is still read as CSV', async () => {
    const { opened } = await openFile('工号,算薪期间\n000123,2024-01\n', 'renamed.xlsx', payrollSchema)
    expect(opened.kind).toBe('csv')
    expect(opened.sheet?.rowCount).toBe(1)
  })
})

describe('the worker client after a bad file', () => {
  it('rejects with the reason and ends the worker', async () => {
    let terminated = 0
    const factory = (): Transport => {
      const t = inProcessTransport()
      return { ...t, terminate: () => { terminated++; t.terminate() } }
    }
    const client = new ImportClient(factory)
    const err = await client.open(blobOf(oleFile(['EncryptedPackage'])), 'x.xlsx', payrollSchema, null).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FileError)
    expect((err as FileError).code).toBe('password_protected')
    expect(terminated).toBe(1)
    expect(client.active).toBe(false)
  })

  it('cancel ends the worker and rejects what was running', async () => {
    let terminated = 0
    const client = new ImportClient(() => { const t = inProcessTransport(); return { ...t, terminate: () => { terminated++; t.terminate() } } })
    const pending = client.open(blobOf('工号,算薪期间\n' + '000123,2024-01\n'.repeat(50_000)), 'x.csv', payrollSchema, null)
    client.cancel()
    await expect(pending).rejects.toMatchObject({ name: 'CancelledError' })
    expect(terminated).toBe(1)
  })
})
