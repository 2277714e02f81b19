/**
 * A tiny structured logger. Anything that looks like a Feishu token or a secret is masked before it
 * is written, as a second line of defence: call sites should never pass tokens in the first place.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFields = Record<string, unknown>

export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }
const SECRET_KEYS = /token|secret|authorization|cookie|password|code_verifier/i
// v2 user tokens are JWT-like (eyJ…), legacy ones start with u-/ur-/t-/a-.
const TOKEN_SHAPES = /\b(eyJ[A-Za-z0-9_-]{10,}(?:\.[A-Za-z0-9_-]+)*|(?:u|ur|t|a)-[A-Za-z0-9_-]{16,})/g

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]'
  if (typeof value === 'string') return value.replace(TOKEN_SHAPES, '[redacted]')
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1))
  if (value instanceof Error) return { name: value.name, message: redact(value.message, depth + 1), stack: value.stack }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? '[redacted]' : redact(v, depth + 1)
    return out
  }
  return value
}

export function createLogger(level: LogLevel = 'info', write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (ORDER[lvl] < ORDER[level]) return
    write(JSON.stringify({ t: new Date().toISOString(), level: lvl, msg: redact(msg), ...(fields ? (redact(fields) as LogFields) : {}) }))
  }
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }
