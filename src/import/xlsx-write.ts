/**
 * A small streaming .xlsx writer (fflate deflate): rows are turned into XML in batches and
 * compressed as they come, so a 100k-row result workbook never exists as one giant string.
 * Text that begins with = + - @ (or a tab/CR) is prefixed with ' so no spreadsheet runs it as a
 * formula (design.md §6, OWASP "CSV injection").
 */
import { Zip, ZipDeflate } from 'fflate'
import { escapeXml, columnName } from './xml'

export const CellStyle = {
  Default: 0,
  Header: 1,
  Date: 2,
  Error: 3,
  Warning: 4,
  Ok: 5,
  Percent: 6,
  Muted: 7,
  Code: 8,
  /** '@' number format: what people type stays text (leading zeros). */
  Text: 9,
} as const
export type CellStyle = (typeof CellStyle)[keyof typeof CellStyle]

export type WriteValue = string | number | boolean | null | undefined
export interface WriteCell { v: WriteValue; style?: CellStyle; /** write a 'yyyy-mm-dd' string as a real date cell */ date?: boolean }
export type WriteRow = Array<WriteValue | WriteCell>

export interface WriteSheet {
  name: string
  rows: Iterable<WriteRow>
  colWidths?: number[]
  /** Default style per column (e.g. CellStyle.Text for ID columns). */
  colStyles?: CellStyle[]
  freezeRows?: number
  /** e.g. "A1:C1" */
  merges?: string[]
}

export interface WriteOptions {
  /** Shared strings (what Excel writes) instead of inline strings. Default true. */
  sharedStrings?: boolean
  escapeFormulas?: boolean
  /** 1 = fastest; Excel writes about 6. */
  level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9
  date1904?: boolean
}

const FORMULA_START = /^[=+\-@\t\r]/

export function escapeFormula(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s
}

const STYLES_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>
<fonts count="4"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font><font><i/><sz val="10"/><color rgb="FF86909C"/><name val="Calibri"/></font><font><sz val="10"/><color rgb="FF4E5969"/><name val="Consolas"/></font></fonts>
<fills count="6"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFF2F3F5"/></patternFill></fill><fill><patternFill patternType="solid"><fgColor rgb="FFFFECE8"/></patternFill></fill><fill><patternFill patternType="solid"><fgColor rgb="FFFFF7E8"/></patternFill></fill><fill><patternFill patternType="solid"><fgColor rgb="FFE8FFEA"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="10">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="49" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1"/>
<xf numFmtId="0" fontId="0" fillId="4" borderId="0" xfId="0" applyFill="1"/>
<xf numFmtId="0" fontId="0" fillId="5" borderId="0" xfId="0" applyFill="1"/>
<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="49" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="49" fontId="3" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>`

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'

function dateSerial(iso: string, date1904: boolean): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  if (!m) return null
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  let serial = (ms - Date.UTC(1899, 11, 30)) / 86_400_000
  if (date1904) serial -= 1462
  else if (serial < 61) serial -= 1 // Excel's fictitious 1900-02-29
  return serial
}

/** Writes sheets; returns the chunks of the .xlsx file (a Blob in the browser: new Blob(chunks)). */
export function writeXlsx(sheets: WriteSheet[], options: WriteOptions = {}): Uint8Array[] {
  const shared = options.sharedStrings !== false
  const escape = options.escapeFormulas !== false
  const level = options.level ?? 3
  const date1904 = options.date1904 ?? false
  const out: Uint8Array[] = []
  let failure: Error | null = null
  const zip = new Zip((err, chunk) => {
    if (err) failure = err
    else out.push(chunk)
  })
  const encoder = new TextEncoder()
  const addText = (name: string, text: string): void => {
    const f = new ZipDeflate(name, { level })
    zip.add(f)
    f.push(encoder.encode(text), true)
  }
  const sst = new Map<string, number>()
  const sstList: string[] = []
  let sstRefs = 0

  sheets.forEach((sheet, si) => {
    const file = new ZipDeflate(`xl/worksheets/sheet${si + 1}.xml`, { level })
    zip.add(file)
    let head = `${XML_HEAD}<worksheet ${NS}>`
    if (sheet.freezeRows) {
      head += `<sheetViews><sheetView workbookViewId="0"><pane ySplit="${sheet.freezeRows}" topLeftCell="A${sheet.freezeRows + 1}" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>`
    }
    const colCount = Math.max(sheet.colWidths?.length ?? 0, sheet.colStyles?.length ?? 0)
    if (colCount > 0) {
      head += '<cols>'
      for (let i = 0; i < colCount; i++) {
        const w = sheet.colWidths?.[i] ?? 12
        const st = sheet.colStyles?.[i]
        head += `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"${st ? ` style="${st}"` : ''}/>`
      }
      head += '</cols>'
    }
    head += '<sheetData>'
    file.push(encoder.encode(head))
    let batch = ''
    let r = 0
    for (const row of sheet.rows) {
      r++
      let xml = `<row r="${r}">`
      for (let c = 0; c < row.length; c++) {
        const item = row[c]
        const cell: WriteCell = item !== null && typeof item === 'object' ? item : { v: item }
        let v = cell.v
        if (v === null || v === undefined || v === '') {
          if (cell.style) xml += `<c r="${columnName(c)}${r}" s="${cell.style}"/>`
          continue
        }
        const ref = `${columnName(c)}${r}`
        let style = cell.style ?? 0
        if (cell.date && typeof v === 'string') {
          const serial = dateSerial(v, date1904)
          if (serial !== null) {
            v = serial
            if (!style) style = CellStyle.Date
          }
        }
        const s = style ? ` s="${style}"` : ''
        if (typeof v === 'number') {
          xml += Number.isFinite(v) ? `<c r="${ref}"${s}><v>${v}</v></c>` : `<c r="${ref}"${s} t="inlineStr"><is><t>${v}</t></is></c>`
        } else if (typeof v === 'boolean') {
          xml += `<c r="${ref}"${s} t="b"><v>${v ? 1 : 0}</v></c>`
        } else {
          const text = escape ? escapeFormula(v) : v
          if (shared) {
            let idx = sst.get(text)
            if (idx === undefined) { idx = sstList.length; sst.set(text, idx); sstList.push(text) }
            sstRefs++
            xml += `<c r="${ref}"${s} t="s"><v>${idx}</v></c>`
          } else {
            const space = /^\s|\s$|\n/.test(text) ? ' xml:space="preserve"' : ''
            xml += `<c r="${ref}"${s} t="inlineStr"><is><t${space}>${escapeXml(text)}</t></is></c>`
          }
        }
      }
      batch += xml + '</row>'
      if (batch.length > 1 << 20) { file.push(encoder.encode(batch)); batch = '' }
    }
    let tail = batch + '</sheetData>'
    if (sheet.merges?.length) tail += `<mergeCells count="${sheet.merges.length}">${sheet.merges.map((m) => `<mergeCell ref="${m}"/>`).join('')}</mergeCells>`
    tail += '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
    file.push(encoder.encode(tail), true)
  })

  if (shared) {
    const f = new ZipDeflate('xl/sharedStrings.xml', { level })
    zip.add(f)
    f.push(encoder.encode(`${XML_HEAD}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${sstRefs}" uniqueCount="${sstList.length}">`))
    let batch = ''
    for (const s of sstList) {
      const space = /^\s|\s$|\n/.test(s) ? ' xml:space="preserve"' : ''
      batch += `<si><t${space}>${escapeXml(s)}</t></si>`
      if (batch.length > 1 << 20) { f.push(encoder.encode(batch)); batch = '' }
    }
    f.push(encoder.encode(batch + '</sst>'), true)
  }

  const overrides = sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('')
  addText('[Content_Types].xml', `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${overrides}<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>${shared ? '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' : ''}</Types>`)
  addText('_rels/.rels', `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
  const sheetEls = sheets.map((s, i) => `<sheet name="${escapeXml(s.name.slice(0, 31))}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')
  addText('xl/workbook.xml', `${XML_HEAD}<workbook ${NS}>${date1904 ? '<workbookPr date1904="1"/>' : ''}<sheets>${sheetEls}</sheets></workbook>`)
  const rels = sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')
  const n = sheets.length
  addText('xl/_rels/workbook.xml.rels', `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}<Relationship Id="rId${n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>${shared ? `<Relationship Id="rId${n + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>` : ''}</Relationships>`)
  addText('xl/styles.xml', STYLES_XML)
  zip.end()
  if (failure) throw failure
  return out
}

/** Joins writer chunks into one buffer (Node scripts and tests). */
export function concatChunks(chunks: Uint8Array[]): Uint8Array {
  let size = 0
  for (const c of chunks) size += c.length
  const out = new Uint8Array(size)
  let off = 0
  for (const c of chunks) { out.set(c, off); off += c.length }
  return out
}


