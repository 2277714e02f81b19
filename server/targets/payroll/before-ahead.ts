import { PAYROLL_QUERY_MAX_EMPLOYMENT_IDS } from '../../../src/domain/feishu-limits'

/** What the look-ahead needs of a batch: its rows' range. */
export interface RowRange { idx_from: number; idx_to: number }

/**
 * The before-values of a payroll save job, read ahead of its saves. Reads have their own 10/s
 * limit, shared by every datasource being written, so they are grouped: consecutive batches with
 * ≤ 100 employments together (§4.3: ≤ 100 ids a query) are read by one query — half the read
 * calls of one per batch, which is what lets three datasources save at full speed at once. At most
 * `ahead` batches are read in front of the last one saved, and a batch that reaches its turn first
 * starts its own group's read: `ready` never starts a second read of a group.
 */
export interface BeforeAhead {
  /** Resolves when the batch's group has been read (or failed: the batch then reads for itself). */
  ready(batch: RowRange): Promise<void>
  /** A batch was saved: the look-ahead may go one further. */
  saved(): void
  /** Ends the look-ahead loop. */
  stop(): Promise<void>
}

export function beforeAhead<B extends RowRange>(
  batches: B[],
  read: (group: B[]) => Promise<void>,
  opts: { ahead: number; sleep: (ms: number) => Promise<void>; onError: (e: unknown) => void },
): BeforeAhead {
  const groups: B[][] = []
  const groupOf = new Map<number, number>()
  const size = (g: B[]) => g.reduce((n, x) => n + (x.idx_to - x.idx_from), 0)
  for (const b of batches) {
    const last = groups.at(-1)
    if (last && size(last) + (b.idx_to - b.idx_from) <= PAYROLL_QUERY_MAX_EMPLOYMENT_IDS) last.push(b)
    else groups.push([b])
    groupOf.set(b.idx_from, groups.length - 1)
  }
  const reads = new Map<number, Promise<void>>()
  const readGroup = (g: number): Promise<void> => {
    let p = reads.get(g)
    if (!p) {
      p = read(groups[g]!)
      reads.set(g, p)
    }
    return p
  }
  let savedCount = 0
  let stopped = false
  const loop = (async () => {
    let first = 0
    for (let g = 0; g < groups.length && !stopped; first += groups[g]!.length, g++) {
      while (first > savedCount + opts.ahead && !stopped) await opts.sleep(10)
      if (stopped) return
      try {
        await readGroup(g)
      } catch (e) {
        opts.onError(e)
        return
      }
    }
  })()
  return {
    ready(batch) {
      const g = groupOf.get(batch.idx_from)
      return g === undefined ? Promise.resolve() : readGroup(g).catch(() => undefined)
    },
    saved() { savedCount++ },
    async stop() {
      stopped = true
      await loop
    },
  }
}
