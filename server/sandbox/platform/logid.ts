// Log ids in Feishu's shape: 14-digit local timestamp + 20 upper-case hex chars (§1.3: header
// `X-Tt-Logid` on every response, also `error.logid` in error bodies).

export function createLogidGenerator(now: () => number): () => string {
  let counter = 0
  const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0')
  return () => {
    const d = new Date(now())
    const p = (n: number) => String(n).padStart(2, '0')
    const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
    counter = (counter + 1) % 0x1000000
    // A fixed tag, the milliseconds, a counter and a scrambled counter: unique per process, cheap.
    return `${stamp}5A${hex(d.getMilliseconds(), 4)}${hex(counter, 6)}${hex(Math.imul(counter, 0x9e3779b1) >>> 0, 8)}`
  }
}
