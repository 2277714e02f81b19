import { request } from './http'
import type { AppConfig, Capabilities, CreateSessionBody, Me } from './types'

// Session endpoints answer 401 as part of signing in, so they never trigger the quiet re-sign-in.

export function getConfig(): Promise<AppConfig> {
  return request<AppConfig>({ method: 'GET', url: '/api/config' }, { reauth: false })
}

export async function createSession(body: CreateSessionBody): Promise<Me> {
  return (await request<{ user: Me }>({ method: 'POST', url: '/api/session', data: body }, { reauth: false })).user
}

export async function getMe(): Promise<Me> {
  return (await request<{ user: Me }>({ method: 'GET', url: '/api/me' }, { reauth: false })).user
}

export function getCapabilities(): Promise<Capabilities> {
  return request<Capabilities>({ method: 'GET', url: '/api/capabilities' })
}

export async function deleteSession(): Promise<void> {
  await request<unknown>({ method: 'DELETE', url: '/api/session' }, { reauth: false })
}
