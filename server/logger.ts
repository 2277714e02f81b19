import { pino, stdTimeFunctions, type DestinationStream } from 'pino'

/**
 * Structured logs through pino: one JSON object a line on stdout (level, time, pid, hostname, msg,
 * fields). Anything that looks like a Feishu token or a secret is masked before it is written, as a
 * second line of defence: call sites should never pass tokens, cookies, codes or bodies at all.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFields = Record<string, unknown>

export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
}

const SECRET_KEYS = /token|secret|authorization|cookie|password|code_verifier/i
// v2 user tokens are JWT-like (eyJ…), legacy ones start with u-/ur-/t-/a-.
const TOKEN_SHAPES = /\b(eyJ[A-Za-z0-9_-]{10,}(?:\.[A-Za-z0-9_-]+)*|(?:u|ur|t|a)-[A-Za-z0-9_-]{16,})/g

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]'
  if (typeof value === 'string') return value.replace(TOKEN_SHAPES, '[redacted]')
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1))
  if (value instanceof Error) return { name: value.name, message: redact(value.message, depth + 1), stack: redact(value.stack, depth + 1) }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? '[redacted]' : redact(v, depth + 1)
    return out
  }
  return value
}

/** `write` receives each line without its newline (tests collect them); by default lines go to stdout. */
export function createLogger(level: LogLevel = 'info', write?: (line: string) => void): Logger {
  const destination: DestinationStream = write
    ? { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) }
    // Synchronous: the last lines before an exit (a failed start, SIGTERM) are not lost.
    : pino.destination({ dest: 1, sync: true })
  const log = pino({
    level,
    timestamp: stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (fields) => redact(fields) as Record<string, unknown>,
    },
  }, destination)
  const emit = (lvl: LogLevel) => (msg: string, fields?: LogFields) => {
    if (!log.isLevelEnabled(lvl)) return
    log[lvl](fields ?? {}, redact(msg) as string)
  }
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }
