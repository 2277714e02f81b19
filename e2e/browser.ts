import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { freePort } from '../tests/server/harness'
import { startServer, type Running } from '../server/start'

export const SCREENSHOTS = 'e2e/screenshots'

/** Debian's chromium, never a downloaded browser; flags keep it off the (closed) network. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  })
}

/** The whole product as `npm start` runs it — app server and sandbox Feishu — on free ports. */
export async function startProduct(): Promise<Running> {
  const port = await freePort()
  const sandboxPort = await freePort()
  mkdirSync(SCREENSHOTS, { recursive: true })
  return startServer(
    { PORT: String(port), SANDBOX_PORT: String(sandboxPort), HOST: '127.0.0.1', DATA_DIR: mkdtempSync(join(tmpdir(), 'hr-e2e-')), LOG_LEVEL: 'warn', PUBLIC_URL: `http://localhost:${port}` },
  )
}
