/**
 * Lets timers and I/O run in the middle of a long piece of work. A job's calls are paced by
 * timers: a request that kept the event loop busy for a few hundred milliseconds (checking and
 * storing thousands of rows) would hold back calls already let through, which then reach Feishu
 * bunched together — and over its rate limit.
 */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** Rows handled between two yields: ~5–20 ms of checking or storing. */
export const ROWS_PER_SLICE = 250
