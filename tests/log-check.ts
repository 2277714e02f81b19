// Global setup of the server tests: every log line the servers under test write (tests/server/
// harness.ts testLogger) goes to one directory for the run; at the end the whole run's logs are
// grepped for Feishu tokens, the app secret, session cookies and bearer headers. One hit fails the run.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SANDBOX_APP_SECRET } from '../server/sandbox/credentials'

const LEAKS: Array<[string, RegExp]> = [
  ['a Feishu user/tenant/app token', /eyJ[A-Za-z0-9_-]{10,}|\b(?:u|ur|t|a)-[A-Za-z0-9_-]{16,}/],
  ['the app secret', new RegExp(SANDBOX_APP_SECRET.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))],
  ['a session cookie', /\b(?:__Host-)?sid=[A-Za-z0-9_-]{8,}/],
  ['a bearer header', /Bearer [A-Za-z0-9._-]{8,}/],
  ['a token field', /"(?:access_token|refresh_token|user_access_token|tenant_access_token|app_access_token)":"[^"[]/],
]

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'hr-test-logs-'))
  process.env.HR_TEST_LOG_DIR = dir
  return function grepTheRunsLogs() {
    const hits: string[] = []
    let lines = 0
    for (const file of readdirSync(dir)) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
        if (!line) continue
        lines++
        for (const [what, pattern] of LEAKS) if (pattern.test(line)) hits.push(`${what}: ${line.slice(0, 300)}`)
      }
    }
    rmSync(dir, { recursive: true, force: true })
    if (hits.length) {
      // vitest reports an error thrown here but still exits 0; the exit code must fail the run.
      console.error(`The test run's logs leak secrets (${hits.length} lines):\n${hits.slice(0, 20).join('\n')}`)
      process.exitCode = 1
      return
    }
    console.info(`log check: ${lines} log lines of this run hold no token, secret, cookie or bearer header`)
  }
}
