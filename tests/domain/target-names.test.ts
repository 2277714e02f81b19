import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { JOB_KIND_NAMES, TARGET_KIND_NAMES } from '../../src/domain/write-targets'

/**
 * Outside a target's own modules, code asks the registry (src/domain/write-targets.ts,
 * server/targets/index.ts) instead of naming a target: no job kind literal, no comparison with a
 * target's name. A new target then touches only its own files and the two registries.
 */
const TARGET_OWNED = [
  /^server\/targets\//, /^server\/sandbox\//, /^server\/routes\/(payroll|attendance)\.ts$/,
  /^src\/domain\/(write-targets|payroll|attendance)\.ts$/, /^src\/(api|stores)\/(payroll|attendance)\.ts$/,
  /^src\/components\/(payroll|attendance)\//, /^src\/pages\/(Payroll|Attendance)Page\.vue$/, /^src\/i18n\//,
]

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? files(p) : /\.(ts|vue)$/.test(f) ? [p] : []
  })
}

describe('no code outside the target modules names a target', () => {
  it('finds no job kind literal or target-name comparison in server/ and src/ outside them', () => {
    const names = [...JOB_KIND_NAMES, ...TARGET_KIND_NAMES].join('|')
    const naming = new RegExp(`['"\`](${JOB_KIND_NAMES.join('|')})['"\`]|(type|kind|target)\\s*[!=]==\\s*['"](${names})['"]|startsWith\\(['"](${names})`)
    const offenders: string[] = []
    for (const file of [...files('server'), ...files('src')]) {
      if (TARGET_OWNED.some((r) => r.test(file))) continue
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => { if (naming.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`) })
    }
    expect(offenders).toEqual([])
  })
})
