// Error injection: the deterministic `failNext` queue first, then the per-call rates drawn from a
// seeded RNG so a run with the same knobs fails the same calls.
import { createRng, type Rng } from '../seed/prng'
import type { ApiId } from './apis'
import type { FailKind, Knobs, RateKind } from './knobs'

export class Injector {
  private rng: Rng

  constructor(seed: number) {
    this.rng = createRng(seed)
  }

  reseed(seed: number): void {
    this.rng = createRng(seed)
  }

  /** The failure to inject for this call at this stage, if any; consumes a queue entry. */
  take(knobs: Knobs, api: ApiId, kinds: readonly FailKind[]): FailKind | null {
    const i = knobs.failNext.findIndex((f) => (f.api === api || f.api === '*') && kinds.includes(f.kind))
    if (i >= 0) {
      const [entry] = knobs.failNext.splice(i, 1)
      if (entry) return entry.kind
    }
    for (const kind of kinds) {
      if (kind === 'tokenExpired') continue
      const rate = knobs.errorRates[kind as RateKind]
      if (rate > 0 && this.rng.next() < rate) return kind
    }
    return null
  }
}
