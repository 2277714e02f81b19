/**
 * What a file really is, from its first bytes rather than its name: people rename .xls to .xlsx,
 * web systems export HTML tables as ".xls", and password-protected workbooks are not zip files
 * at all but OLE compound files holding an EncryptedPackage stream.
 */
import { FileError, LIMITS } from './errors'

export type FileKind = 'xlsx' | 'csv' | 'xls'

const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]

function startsWith(b: Uint8Array, sig: number[]): boolean {
  return sig.every((v, i) => b[i] === v)
}

/** UTF-16LE bytes of an ASCII name, as OLE directory entries store stream names. */
function utf16(name: string): Uint8Array {
  const out = new Uint8Array(name.length * 2)
  for (let i = 0; i < name.length; i++) out[i * 2] = name.charCodeAt(i)
  return out
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0] as number
  for (let i = hay.indexOf(first); i >= 0 && i <= hay.length - needle.length; i = hay.indexOf(first, i + 1)) {
    let ok = true
    for (let k = 1; k < needle.length; k++) if (hay[i + k] !== needle[k]) { ok = false; break }
    if (ok) return true
  }
  return false
}

export async function sniffFile(file: Blob, name: string): Promise<FileKind> {
  if (file.size === 0) throw new FileError('empty_file')
  if (file.size > LIMITS.maxFileBytes) throw new FileError('file_too_large', { size: file.size, limit: LIMITS.maxFileBytes })
  const head = new Uint8Array(await file.slice(0, 4096).arrayBuffer())
  if (head[0] === 0x50 && head[1] === 0x4b) {
    if (head[2] === 0x03 && head[3] === 0x04) return 'xlsx'
    if (head[2] === 0x05 && head[3] === 0x06) throw new FileError('empty_file')
    throw new FileError('corrupt_zip', { detail: 'unexpected zip signature' })
  }
  if (startsWith(head, CFB)) {
    // The OLE directory is usually near the start or the end; a small file can simply be scanned whole.
    const scan = file.size <= 8 * 1024 * 1024
      ? new Uint8Array(await file.arrayBuffer())
      : new Uint8Array(await new Blob([file.slice(0, 1 << 20), file.slice(file.size - (1 << 20))]).arrayBuffer())
    if (contains(scan, utf16('EncryptedPackage')) || contains(scan, utf16('EncryptionInfo'))) throw new FileError('password_protected')
    // Excel 97–2003 and WPS .et keep their cells in a "Workbook" (or "Book") stream.
    if (contains(scan, utf16('Workbook')) || contains(scan, utf16('Book'))) return 'xls'
    throw new FileError('legacy_xls')
  }
  const text = new TextDecoder('latin1').decode(head).trimStart().slice(0, 2048).toLowerCase()
  if (text.startsWith('<?xml') && text.includes('urn:schemas-microsoft-com:office:spreadsheet')) throw new FileError('legacy_xls')
  if (text.startsWith('<') && /<(html|table|!doctype html)/.test(text)) throw new FileError('html_disguised')
  const lower = name.toLowerCase()
  if (/\.(xlsx|xlsm|xls|et)$/.test(lower)) {
    // A CSV renamed to .xlsx still reads fine as CSV; real binary junk does not.
    if (looksLikeText(head)) return 'csv'
    throw new FileError('not_a_spreadsheet', { detail: 'not a zip' })
  }
  if (!looksLikeText(head)) throw new FileError('not_a_spreadsheet', { detail: 'binary data' })
  return 'csv'
}

function looksLikeText(head: Uint8Array): boolean {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return true
  let zeros = 0
  let control = 0
  for (const b of head) {
    if (b === 0) zeros++
    else if (b < 9 || (b > 13 && b < 32 && b !== 27)) control++
  }
  // UTF-16 without BOM has zeros in every other byte; binary has zeros and controls anywhere.
  if (zeros > head.length * 0.3 && control < head.length * 0.02) return true
  return zeros === 0 && control <= head.length * 0.01
}
