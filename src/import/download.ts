/** Offers a Blob as a download. Inside the Feishu webview this opens the system's save/share sheet. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // Revoke later: some webviews read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
