import { Hono } from 'hono'
import { z } from 'zod'
import { FEISHU_LINK_MAX, parseFeishuLink } from '../../src/domain/feishu-link'
import { PERSON_AS, type PersonAs } from '../../src/domain/feishu-source'
import { ownerOf, type SessionService } from '../auth/sessions'
import type { UserTokens } from '../auth/user-tokens'
import { AppError } from '../errors'
import type { FeishuHttp } from '../feishu/http'
import type { Pacer } from '../jobs/pacer'
import type { Logger } from '../logger'
import { requireSession, type CookieOptions } from '../middleware/session'
import { bodyOf, validateJson } from '../middleware/validate'
import { feishuDocApi } from '../sources/feishu-doc-api'
import { documentReader, SourceError, sourceErrorOf, type ReaderLine } from '../sources/feishu-doc'

// The link travels in the body, never in a URL (it names a document; URLs end up in logs).
// `people`: how a Base person field is written for the import's target (PersonAs; default email).
const readBody = z.strictObject({ link: z.string().trim().min(1).max(FEISHU_LINK_MAX), people: z.enum(PERSON_AS as [PersonAs, ...PersonAs[]]).optional() })

/**
 * A `rows` line carrying Feishu's values answer as it came (`answer`; the worker takes the rows out
 * of it), as its three parts: the bytes are neither decoded, parsed nor copied here. A line break in
 * them can only be white space between JSON tokens (strings escape theirs), so it becomes a space
 * (in a copy) and the line stays one line.
 */
function answerLine(encoder: TextEncoder, start: number, answer: Uint8Array): Uint8Array[] {
  let body = answer
  if (answer.includes(10) || answer.includes(13)) {
    body = answer.slice()
    for (let i = 0; i < body.length; i++) if (body[i] === 10 || body[i] === 13) body[i] = 32
  }
  return [encoder.encode(`{"type":"rows","start":${start},"answer":`), body, new Uint8Array([125, 10])] // … }\n
}

/**
 * Mounted at /api/sources: `POST /feishu/read` reads a pasted Sheet / Base link with the person's
 * own token and answers NDJSON lines (src/domain/feishu-source.ts) as the slices arrive: rows read
 * so far, then the cells. A link that names nothing readable is refused at once (400); a failure
 * while reading ends the stream with an `error` line. When the browser goes away (cancel) the
 * stream is cancelled and no further slice is asked of Feishu.
 */
export function sourceRoutes(deps: { sessions: SessionService; cookie: CookieOptions; tokens: UserTokens; http: FeishuHttp; pacer: Pacer; logger: Logger }) {
  const api = feishuDocApi(deps.http)
  return new Hono()
    .use(requireSession(deps.sessions, deps.cookie))
    .post('/feishu/read', validateJson(readBody), async (c) => {
      const body = bodyOf(c, readBody)
      const parsed = parseFeishuLink(body.link)
      if ('problem' in parsed) {
        throw new AppError(400, parsed.problem === 'not_a_sheet_or_table' ? 'not_a_sheet_or_table' : 'not_a_link', 'Paste the link of a Feishu Sheet or Base table (or of a wiki page holding one).')
      }
      const owner = ownerOf(c.get('session'))
      // The token is read before the stream starts: an ended authorization answers 401 as anywhere else.
      await deps.tokens.get(owner)
      const reader = documentReader({ api, pacer: deps.pacer, token: () => deps.tokens.get(owner), expire: () => deps.tokens.expire(owner) })
      const lines = reader.read(parsed.link, body.people)
      const encoder = new TextEncoder()
      const line = (l: ReaderLine) => (l.type === 'rows-answer' ? answerLine(encoder, l.start, l.answer) : [encoder.encode(`${JSON.stringify(l)}\n`)])
      let finished = false
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (finished) return
          try {
            const next = await lines.next()
            if (next.done) { finished = true; controller.close(); return }
            for (const part of line(next.value)) controller.enqueue(part)
          } catch (e) {
            finished = true
            const err = sourceErrorOf(e)
            if (err instanceof SourceError) {
              for (const part of line({ type: 'error', code: err.code, ...(err.feishuCode ? { feishuCode: err.feishuCode } : {}), ...(err.scopes?.length ? { scopes: err.scopes } : {}) })) controller.enqueue(part)
            } else {
              deps.logger.error('source_read_failed', { error: String((e as Error)?.message ?? e) })
              for (const part of line({ type: 'error', code: 'unavailable' })) controller.enqueue(part)
            }
            controller.close()
          }
        },
        async cancel() {
          finished = true
          reader.stop()
          await lines.return(undefined)
        },
      }, { highWaterMark: 1 })
      return new Response(stream, {
        headers: {
          'content-type': 'application/x-ndjson; charset=utf-8',
          // no-transform: never gzip-buffered (each line must reach the page as it is read).
          'cache-control': 'no-store, no-transform',
          'x-content-type-options': 'nosniff',
        },
      })
    })
}
