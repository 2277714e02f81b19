// src/api (the session endpoints) through the loud-fake kit: every endpoint fails loudly unless a
// test says what it answers.
import type * as ApiModule from '../../src/api'
import { loudModule, resetLoud, SESSION_CALLS } from './loud-fakes'

export { expectNoUnexpectedCalls } from './loud-fakes'

type Api = typeof ApiModule

/** For `vi.mock('../../src/api', async (orig) => (await import('./fake-api')).fakeApiModule(await orig()))`. */
export function fakeApiModule(actual: Api): Api {
  return loudModule(actual, SESSION_CALLS)
}

/** Back to "every call is unexpected"; call in beforeEach. */
export function resetFakeApi(api: Api): void {
  resetLoud(api, SESSION_CALLS)
}
