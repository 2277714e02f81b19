// @vitest-environment node
// .xlsx as tools other than Excel write them, byte for byte as the spec allows: namespace-prefixed
// elements (the .NET Open XML SDK), cells and rows without their r attribute, absolute part names in
// the relationships (Apache POI, some Java and Go writers), inline strings, formula strings,
// booleans and errors, rich text and phonetic guides in shared strings (WPS), no dimension.
import { zipSync, strToU8 } from 'fflate'
import { describe, expect, it } from 'vitest'
import { PrefixFilter } from '../../../src/import/xml-prefix'
import { readAll } from './harness'

const CT = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`

function book(parts: { workbook: string; rels: string; sheet: string; strings?: string; styles?: string; sheetPath?: string }): Uint8Array {
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(CT),
    '_rels/.rels': strToU8(ROOT_RELS),
    'xl/workbook.xml': strToU8(parts.workbook),
    'xl/_rels/workbook.xml.rels': strToU8(parts.rels),
    [parts.sheetPath ?? 'xl/worksheets/sheet1.xml']: strToU8(parts.sheet),
  }
  if (parts.strings) files['xl/sharedStrings.xml'] = strToU8(parts.strings)
  if (parts.styles) files['xl/styles.xml'] = strToU8(parts.styles)
  return zipSync(files)
}

const S = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'

describe('an .xlsx from writers other than Excel', () => {
  it('namespace-prefixed elements everywhere (x:worksheet, x:c, x:si …) read like plain ones', async () => {
    const bytes = book({
      workbook: `<?xml version="1.0" encoding="utf-8"?><x:workbook xmlns:x="${S}" xmlns:r="${R}"><x:sheets><x:sheet name="工资" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`,
      rels: `<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml" Id="rId1"/><Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml" Id="rId2"/><Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="/xl/styles.xml" Id="rId3"/></Relationships>`,
      styles: `<?xml version="1.0" encoding="utf-8"?><x:styleSheet xmlns:x="${S}"><x:numFmts count="1"><x:numFmt numFmtId="164" formatCode="000000"/></x:numFmts><x:cellXfs count="3"><x:xf numFmtId="0"/><x:xf numFmtId="164" applyNumberFormat="1"/><x:xf numFmtId="14" applyNumberFormat="1"/></x:cellXfs></x:styleSheet>`,
      strings: `<?xml version="1.0" encoding="utf-8"?><x:sst xmlns:x="${S}" count="3" uniqueCount="3"><x:si><x:t>工号</x:t></x:si><x:si><x:t>金额</x:t></x:si><x:si><x:t xml:space="preserve"> E0012 </x:t></x:si></x:sst>`,
      sheet: `<?xml version="1.0" encoding="utf-8"?><x:worksheet xmlns:x="${S}"><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c></x:row><x:row r="2"><x:c r="A2" t="s"><x:v>2</x:v></x:c><x:c r="B2"><x:v>1234.5</x:v></x:c></x:row>`
        + `<x:row r="3" hidden="1"><x:c r="A3" s="1"><x:v>7123</x:v></x:c><x:c r="B3" s="2"><x:v>45292</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
    })
    // The ID formatted 000000 as shown, the date as a day.
    expect(await readAll(bytes)).toEqual([['工号', '金额'], [' E0012 ', 1234.5], ['007123', '2024-01-01']])
  })

  it('rows and cells without r, inline strings, formula strings, booleans and errors', async () => {
    const bytes = book({
      workbook: `<workbook xmlns="${S}" xmlns:r="${R}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      rels: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      sheet: `<worksheet xmlns="${S}"><sheetData>`
        + `<row><c t="inlineStr"><is><t>工号</t></is></c><c t="inlineStr"><is><t>姓名</t></is></c><c t="inlineStr"><is><t>金额</t></is></c><c t="inlineStr"><is><t>在职</t></is></c></row>`
        + `<row><c t="inlineStr"><is><t>007123</t></is></c><c t="str"><f>"张"&amp;"三"</f><v>张三</v></c><c><f>1+1</f><v>2</v></c><c t="b"><v>1</v></c></row>`
        + `<row><c t="inlineStr"><is><r><t>E</t></r><r><rPr><b/></rPr><t>0009</t></r></is></c><c t="inlineStr"><is><t>李四</t></is></c><c t="e"><v>#DIV/0!</v></c><c t="b"><v>0</v></c></row>`
        + `</sheetData></worksheet>`,
    })
    const rows = await readAll(bytes)
    expect(rows[0]).toEqual(['工号', '姓名', '金额', '在职'])
    expect(rows[1]).toEqual(['007123', '张三', 2, true])
    expect(rows[2]?.slice(0, 2)).toEqual(['E0009', '李四'])
  })

  it('shared strings with rich text runs and phonetic guides give the text people see', async () => {
    const bytes = book({
      workbook: `<workbook xmlns="${S}" xmlns:r="${R}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      rels: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
      strings: `<sst xmlns="${S}"><si><r><t>加班</t></r><r><rPr><color rgb="FFFF0000"/></rPr><t>时长</t></r><rPh sb="0" eb="2"><t>jiaban</t></rPh></si><si><t>王五</t><rPh sb="0" eb="1"><t>wang</t></rPh><phoneticPr fontId="1"/></si></sst>`,
      sheet: `<worksheet xmlns="${S}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row></sheetData></worksheet>`,
    })
    expect(await readAll(bytes)).toEqual([['加班时长'], ['王五']])
  })
})

describe('the prefix filter', () => {
  const enc = new TextEncoder()
  const dec = new TextDecoder()
  const xml = `<?xml version="1.0"?><x:worksheet xmlns:x="${S}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>x:y &lt;x:z</x:t></x:is></x:c></x:row></x:sheetData><mc:AlternateContent/><xx:keep/></x:worksheet>`
  const want = `<?xml version="1.0"?><worksheet xmlns:x="${S}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x:y &lt;x:z</t></is></c></row></sheetData><mc:AlternateContent/><xx:keep/></worksheet>`

  function through(bytes: Uint8Array, size: (i: number) => number): string {
    const f = new PrefixFilter()
    const parts: string[] = []
    for (let i = 0, k = 0; i < bytes.length; k++) {
      const n = Math.max(1, size(k))
      parts.push(dec.decode(f.push(bytes.subarray(i, i + n)), { stream: true }))
      i += n
    }
    parts.push(dec.decode(f.flush()))
    return parts.join('')
  }

  it('drops only the SpreadsheetML prefix, whatever the chunk boundaries', () => {
    const bytes = enc.encode(xml)
    expect(through(bytes, () => bytes.length)).toBe(want)
    expect(through(bytes, () => 1)).toBe(want)
    for (let seed = 1; seed < 40; seed++) expect(through(bytes, (k) => ((k * 7919 + seed * 104729) % 11) + 1)).toBe(want)
  })

  it('passes a part without a prefix through as the same bytes', () => {
    const plain = enc.encode(`<worksheet xmlns="${S}"><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>`)
    const f = new PrefixFilter()
    const first = f.push(plain)
    expect(first).toBe(plain)
    expect(f.flush()).toHaveLength(0)
  })

  it('leaves a root prefixed with another namespace alone', () => {
    const other = `<y:worksheet xmlns:y="urn:other"><y:row/></y:worksheet>`
    expect(through(enc.encode(other), () => 5)).toBe(other)
  })
})

describe('zip quirks', () => {
  it('part names written with backslashes (some Windows zip writers) are found', async () => {
    const files: Record<string, Uint8Array> = {
      '[Content_Types].xml': strToU8(CT),
      '_rels\\.rels': strToU8(ROOT_RELS),
      'xl\\workbook.xml': strToU8(`<workbook xmlns="${S}" xmlns:r="${R}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`),
      'xl\\_rels\\workbook.xml.rels': strToU8(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`),
      'xl\\worksheets\\sheet1.xml': strToU8(`<worksheet xmlns="${S}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>工号</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>E1</t></is></c></row></sheetData></worksheet>`),
    }
    expect(await readAll(zipSync(files))).toEqual([['工号'], ['E1']])
  })
})
