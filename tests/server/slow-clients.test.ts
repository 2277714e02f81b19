import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startReal, type RealServer } from './real-server'

let server: RealServer
beforeAll(async () => {
  server = await startReal({ HEADERS_TIMEOUT_MS: '500', REQUEST_TIMEOUT_MS: '1000', KEEP_ALIVE_TIMEOUT_MS: '300' })
})
afterAll(async () => { await server?.close() })

const port = () => Number(new URL(server.url).port)

interface Slow { socket: Socket; closedByServer: Promise<string> }

function slowClient(first: string): Slow {
  const socket = connect(port(), '127.0.0.1')
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (d: string) => { received += d })
  socket.on('error', () => undefined)
  socket.write(first)
  return { socket, closedByServer: new Promise((done) => socket.once('close', () => done(received))) }
}

describe('slow clients', () => {
  it('1,000 clients trickling headers or bodies a byte at a time are cut off, while everyone else is served, with bounded memory', async () => {
    const heapBefore = process.memoryUsage().heapUsed
    const clients: Slow[] = []
    for (let i = 0; i < 500; i++) clients.push(slowClient('GET /api/me HTTP/1.1\r\nHost: localhost\r\nX-Slow: '))
    for (let i = 0; i < 500; i++) {
      clients.push(slowClient('POST /api/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Requested-With: XMLHttpRequest\r\nContent-Length: 10000\r\n\r\n{'))
    }
    // One byte per client every 100 ms, as long as their sockets are open: they never finish on their own.
    const drip = setInterval(() => { for (const c of clients) if (!c.socket.destroyed) c.socket.write('a') }, 100)
    try {
      // While they hang on, the server answers others.
      const health = await fetch(`${server.url}/healthz`)
      expect(health.status).toBe(200)
      const config = await fetch(`${server.url}/api/config`)
      expect(config.status).toBe(200)
      const answers = await Promise.all(clients.map((c) => c.closedByServer))
      // Node answers 408 when it has not received a whole request in time, then closes the socket.
      expect(answers.filter((a) => a.startsWith('HTTP/1.1 408')).length).toBe(1000)
    } finally {
      clearInterval(drip)
    }
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
    expect((process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024).toBeLessThan(100)
  }, 120_000) // 1,000 sockets on a shared 2-core machine: a generous bound, never a timing assertion

  it('closes a kept-alive connection that stays idle after its answer', async () => {
    const client = slowClient('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n')
    const received = await client.closedByServer
    expect(received).toMatch(/^HTTP\/1\.1 200/)
    expect(received).toContain('{"status":"ok"}')
  })
})
