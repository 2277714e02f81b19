/** Injected time, so token expiry and session lifetimes are testable without sleeping. */
export interface Clock { now(): number }
export const systemClock: Clock = { now: () => Date.now() }
