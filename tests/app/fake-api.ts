// A stand-in for src/api whose endpoints fail loudly unless a test says what they answer.
import { expect, vi } from 'vitest'
import type * as ApiModule from '../../src/api'

type Api = typeof ApiModule
type Endpoint = 'getConfig' | 'createSession' | 'getMe' | 'getCapabilities' | 'deleteSession'

const unexpectedCalls: string[] = []

function unexpected(name: Endpoint) {
  return async (...args: unknown[]): Promise<never> => {
    unexpectedCalls.push(`${name}(${JSON.stringify(args)})`)
    throw new Error(`unexpected call to ${name}`)
  }
}

/** For `vi.mock('../../src/api', async (orig) => (await import('./fake-api')).fakeApiModule(await orig()))`. */
export function fakeApiModule(actual: Api): Api {
  return {
    ...actual,
    getConfig: vi.fn(unexpected('getConfig')),
    createSession: vi.fn(unexpected('createSession')),
    getMe: vi.fn(unexpected('getMe')),
    getCapabilities: vi.fn(unexpected('getCapabilities')),
    deleteSession: vi.fn(unexpected('deleteSession')),
  }
}

/** Back to "every call is unexpected"; call in beforeEach. */
export function resetFakeApi(api: Api): void {
  unexpectedCalls.length = 0
  vi.mocked(api.getConfig).mockReset().mockImplementation(unexpected('getConfig'))
  vi.mocked(api.createSession).mockReset().mockImplementation(unexpected('createSession'))
  vi.mocked(api.getMe).mockReset().mockImplementation(unexpected('getMe'))
  vi.mocked(api.getCapabilities).mockReset().mockImplementation(unexpected('getCapabilities'))
  vi.mocked(api.deleteSession).mockReset().mockImplementation(unexpected('deleteSession'))
}

/** Call in afterEach: a swallowed unexpected call still fails the test. */
export function expectNoUnexpectedCalls(): void {
  expect(unexpectedCalls).toEqual([])
}
