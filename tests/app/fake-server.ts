// An axios adapter standing in for our server: answers only the routes a test declares and
// fails the request (and records it) for anything else.
import { AxiosError, AxiosHeaders, type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios'

export interface Answer {
  status: number
  body?: unknown
}

export type Route = (request: InternalAxiosRequestConfig) => Answer | Promise<Answer>

export function fakeServer(routes: Record<string, Route | Answer[]>) {
  const requests: InternalAxiosRequestConfig[] = []
  const unexpected: string[] = []
  const adapter: AxiosAdapter = async (config) => {
    requests.push(config)
    const key = `${(config.method ?? 'get').toUpperCase()} ${config.url}`
    const route = routes[key]
    const answer = Array.isArray(route) ? route.shift() : route ? await route(config) : undefined
    if (!answer) {
      unexpected.push(key)
      throw new AxiosError(`unexpected request ${key}`, AxiosError.ERR_NETWORK, config)
    }
    const response = {
      data: answer.body ?? '',
      status: answer.status,
      statusText: String(answer.status),
      headers: new AxiosHeaders({ 'content-type': 'application/json' }),
      config,
    }
    if (answer.status >= 400) {
      throw new AxiosError(`Request failed with status code ${answer.status}`, AxiosError.ERR_BAD_REQUEST, config, null, response)
    }
    return response
  }
  return { adapter, requests, unexpected }
}
