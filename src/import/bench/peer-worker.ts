/**
 * Reads the bench file with a peer library inside a worker, for the side-by-side figures. Each
 * library is imported on demand, so a worker loads only the one it runs (as our worker loads only
 * our reader). A message without a file only loads the library (the bench does this before it
 * starts the clock, as our worker is warmed before the file comes).
 */

interface Job { lib: 'read-excel-file' | 'sheetjs'; file?: File }

const load = (lib: Job['lib']) => (lib === 'read-excel-file' ? import('read-excel-file/web-worker') : import('@e965/xlsx'))

self.onmessage = async (e: MessageEvent<Job>) => {
  const { lib, file } = e.data
  const t0 = performance.now()
  try {
    if (!file) {
      await load(lib)
      postMessage({ ok: true })
      return
    }
    let rows = 0
    if (lib === 'read-excel-file') {
      const { default: readXlsxFile } = await import('read-excel-file/web-worker')
      const data = (await readXlsxFile(file)) as unknown
      const first = Array.isArray(data) ? data : []
      // v9 answers [{ sheet, data }] per sheet; older versions answered the rows.
      const sheetRows = first.length && typeof first[0] === 'object' && first[0] !== null && 'data' in (first[0] as object)
        ? ((first[0] as { data: unknown[] }).data) : first
      rows = sheetRows.length
    } else {
      const XLSX = await import('@e965/xlsx')
      const wb = XLSX.read(await file.arrayBuffer(), { type: 'array', dense: true, cellDates: true })
      const ws = wb.Sheets[wb.SheetNames[0] as string]
      rows = ws ? XLSX.utils.sheet_to_json(ws, { header: 1 }).length : 0
    }
    postMessage({ ok: true, ms: performance.now() - t0, rows })
  } catch (err) {
    postMessage({ ok: false, ms: performance.now() - t0, error: String(err) })
  }
}
