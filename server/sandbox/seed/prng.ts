// A small seeded PRNG (mulberry32). Seed data and error injection must be reproducible run to run,
// so nothing in the sandbox's data uses Math.random.

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number
  pick<T>(items: readonly T[]): T
  /** Lower-case hex string of the given length. */
  hex(length: number): string
  /** Decimal digits of the given length (the first one is never 0). */
  digits(length: number): string
  chance(probability: number): boolean
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list')
      return items[int(0, items.length - 1)] as T
    },
    hex(length: number): string {
      let s = ''
      for (let i = 0; i < length; i++) s += int(0, 15).toString(16)
      return s
    },
    digits(length: number): string {
      let s = String(int(1, 9))
      for (let i = 1; i < length; i++) s += String(int(0, 9))
      return s
    },
    chance(probability: number): boolean {
      return next() < probability
    },
  }
}
