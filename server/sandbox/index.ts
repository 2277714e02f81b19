// Public surface of the sandbox (see README.md): `startSandbox` to listen on a port, or
// `createSandboxApp` for in-process use (`app.request(...)`).
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { buildApp } from './app'
import type { Knobs, KnobsPatch } from './platform/knobs'
import type { SandboxApp } from './platform/pipeline'
import { SandboxState, type SandboxOptions } from './state'

export { SANDBOX_APP_ID, SANDBOX_APP_SECRET, SANDBOX_OTHER_APP_ID, SANDBOX_OTHER_APP_SECRET } from './credentials'
export { PERSONAS } from './seed/personas'
export type { Knobs, KnobsPatch } from './platform/knobs'
export type { CallRecord } from './platform/calls'
export type { SandboxOptions } from './state'
export { SandboxState } from './state'

export interface SandboxInstance {
  app: SandboxApp
  state: SandboxState
  setKnobs(patch: KnobsPatch): Knobs
  reset(opts?: { keepTokens?: boolean }): void
}

export function createSandboxApp(opts: SandboxOptions = {}): SandboxInstance {
  const state = new SandboxState(opts)
  return {
    app: buildApp(state),
    state,
    setKnobs: (patch) => state.setKnobs(patch),
    reset: (o) => state.reset(o),
  }
}

export interface StartOptions extends SandboxOptions {
  /** 0 = an ephemeral port (default). */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
}

export interface RunningSandbox extends SandboxInstance {
  /** `http://127.0.0.1:PORT`, no trailing slash — usable as the SDK's `domain`. */
  url: string
  port: number
  close(): Promise<void>
}

export async function startSandbox(opts: StartOptions = {}): Promise<RunningSandbox> {
  const instance = createSandboxApp(opts)
  const host = opts.host ?? '127.0.0.1'
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: instance.app.fetch, port: opts.port ?? 0, hostname: host }, () => resolve(s))
    s.once('error', reject)
  })
  const port = (server.address() as AddressInfo).port
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    ...instance,
    url: `http://${urlHost}:${port}`,
    port,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()))
      // Keep-alive and held (timeout-injected) connections must not keep close() waiting.
      if ('closeAllConnections' in server) server.closeAllConnections()
    }),
  }
}
