// Log ids in Feishu's shape: 14-digit local timestamp + 20 upper-case hex chars (§1.3: header
// `X-Tt-Logid` on every response, also `error.logid` in error bodies).

export function createLogidGenerator(now: () => number): () => string {
  let counter = 0
  return () => {
    const d = new Date(now())
    const p = (n: number, w = 2) => String(n).padStart(w, '0')
    const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
    counter = (counter + 1) % 0x1000000
    // 20 hex chars: a fixed process tag, the ms and a counter — unique per process, cheap to make.
    const tail = `5A${(d.getMilliseconds()).toString(16).padStart(3, '0')}${counter.toString(16).padStart(6, '0')}${(counter * 2654435761 >>> 0).toString(16).padStart(8, '0').slice(0, 9)}`
    return `${stamp}${tail.toUpperCase().padEnd(20, '0').slice(0, 20)}`
  }
}
