import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

/**
 * A measure of this thread's own work, for the benchmarks: its CPU time in ms where Linux tells it
 * (/proc/thread-self/stat, utime + stime, in 10 ms ticks), else the time its event loop was in use
 * (which also counts the time the thread waited for a core while busy). `kind` says which.
 */
export function threadWork(): { kind: 'cpu' | 'event loop'; ms: () => number } {
  try {
    const read = () => {
      const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]!.split(' ')
      return (Number(fields[11]) + Number(fields[12])) * 10
    }
    if (Number.isFinite(read())) return { kind: 'cpu', ms: read }
  } catch { /* not Linux */ }
  const start = performance.eventLoopUtilization()
  return { kind: 'event loop', ms: () => performance.eventLoopUtilization(start).active }
}
