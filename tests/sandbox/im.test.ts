import * as lark from '@larksuiteoapi/node-sdk'
import { describe, expect, it } from 'vitest'
import type { RunningSandbox } from '../../server/sandbox/index'
import { call, SANDBOX_APP_ID, SANDBOX_APP_SECRET, sandboxPerFile, userToken, type FeishuBody } from './helpers'

const SEND = '/open-apis/im/v1/messages'
const WANG_OPEN_ID = () => sb.state.byUserId.get('wangfang')!.open_id

let sb: RunningSandbox
let tat: string
sandboxPerFile((s, t) => { sb = s; tat = t })

const card = (title = 'Done') => JSON.stringify({ header: { title: { tag: 'plain_text', content: title } }, elements: [{ tag: 'div', text: { tag: 'lark_md', content: '**3** written' } }] })
const send = (body: Record<string, unknown>, query: Record<string, string> = { receive_id_type: 'open_id' }, token = tat) =>
  call<FeishuBody<{ message_id: string; msg_type: string; sender: { sender_type: string; id: string } }>>(sb, 'POST', SEND, { token, body, query })
const inbox = async (user: string) => (await call<{ messages: Array<{ message_id: string; uuid: string | null }> }>(sb, 'GET', '/sandbox/inspect/messages', { query: { user } })).body.messages

describe('im/v1/messages (send as the bot)', () => {
  it('sends an interactive card to a person by open_id, from the app', async () => {
    const r = await send({ receive_id: WANG_OPEN_ID(), msg_type: 'interactive', content: card() })
    expect(r.status).toBe(200)
    expect(r.body.code).toBe(0)
    expect(r.body.data).toMatchObject({ msg_type: 'interactive', sender: { sender_type: 'app', id: SANDBOX_APP_ID } })
    expect(r.body.data!.message_id).toMatch(/^om_/)
    expect(await inbox('wangfang')).toHaveLength(1)
  })

  it('takes only the tenant token: the bot speaks, not a person', async () => {
    const r = await send({ receive_id: WANG_OPEN_ID(), msg_type: 'interactive', content: card() }, undefined, await userToken(sb, 'wangfang'))
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code: 99991668, msg: 'user access token not support' })
  })

  it('refuses bad parameters with 230001, naming what is wrong', async () => {
    expect((await send({ receive_id: WANG_OPEN_ID(), msg_type: 'interactive', content: card() }, {})).body).toMatchObject({ code: 230001, msg: expect.stringContaining('receive_id_type') })
    expect((await send({ receive_id: 'ou_nobody', msg_type: 'interactive', content: card() })).body).toMatchObject({ code: 230001, msg: expect.stringContaining('invalid receive_id') })
    expect((await send({ receive_id: WANG_OPEN_ID(), msg_type: 'interactive', content: '{not json' })).body.code).toBe(230001)
    expect((await send({ receive_id: WANG_OPEN_ID(), msg_type: 'interactive', content: card(), uuid: 'x'.repeat(51) })).body.code).toBe(230001)
  })

  it('refuses a card over 30 KB with 230025', async () => {
    const r = await send({ receive_id: WANG_OPEN_ID(), msg_type: 'interactive', content: card('x'.repeat(31 * 1024)) })
    expect(r.body.code).toBe(230025)
  })

  it('answers 230006 while the bot ability is off, 230013 for a person outside its availability or who has left', async () => {
    sb.setKnobs({ imBotEnabled: false })
    expect((await send({ receive_id: WANG_OPEN_ID(), msg_type: 'interactive', content: card() })).body.code).toBe(230006)
    sb.setKnobs({ imBotEnabled: true, imUnavailableUsers: ['wangfang'] })
    expect((await send({ receive_id: WANG_OPEN_ID(), msg_type: 'interactive', content: card() })).body.code).toBe(230013)
    const gone = sb.state.employees.find((e) => e.status === 'terminated')!
    expect((await send({ receive_id: gone.user_id, msg_type: 'interactive', content: card() }, { receive_id_type: 'user_id' })).body.code).toBe(230013)
    expect(await inbox('wangfang')).toHaveLength(0)
  })

  it('sends at most 5 a second to one person (230020), while others still get theirs', async () => {
    const codes: number[] = []
    for (let i = 0; i < 6; i++) codes.push((await send({ receive_id: WANG_OPEN_ID(), msg_type: 'interactive', content: card() })).body.code)
    // Six sends well within one second on this machine are the only way to be over; a slower run proves nothing.
    const elapsed = sb.state.messages.at(-1)!.create_time - sb.state.messages[0]!.create_time
    if (elapsed < 1000) expect(codes).toEqual([0, 0, 0, 0, 0, 230020])
    expect((await send({ receive_id: 'lina', msg_type: 'interactive', content: card() }, { receive_id_type: 'user_id' })).body.code).toBe(0)
  })

  it('sends one message per uuid: a retry with the same uuid answers the first message', async () => {
    const a = await send({ receive_id: WANG_OPEN_ID(), msg_type: 'interactive', content: card(), uuid: 'job-1-succeeded' })
    const b = await send({ receive_id: WANG_OPEN_ID(), msg_type: 'interactive', content: card(), uuid: 'job-1-succeeded' })
    expect(b.body.data!.message_id).toBe(a.body.data!.message_id)
    expect(await inbox('wangfang')).toHaveLength(1)
  })

  it('has the app-wide limits and injected failures of every API (HTTP 429 / 99991400)', async () => {
    sb.setKnobs({ failNext: [{ api: 'im.message.create', kind: 'rateLimit429' }] })
    const r = await send({ receive_id: WANG_OPEN_ID(), msg_type: 'interactive', content: card() })
    expect(r.status).toBe(429)
    expect(r.body.code).toBe(99991400)
  })

  it('needs the scope im:message:send_as_bot (or im:message) enabled for the app', async () => {
    sb.setKnobs({ appScopes: sb.state.knobs.appScopes.filter((s) => !s.startsWith('im:')) })
    expect((await send({ receive_id: WANG_OPEN_ID(), msg_type: 'interactive', content: card() })).body.code).toBe(99991672)
  })

  it('is what the official node SDK sends and reads', async () => {
    const client = new lark.Client({ appId: SANDBOX_APP_ID, appSecret: SANDBOX_APP_SECRET, domain: sb.url, loggerLevel: lark.LoggerLevel.fatal })
    const res = await client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: WANG_OPEN_ID(), msg_type: 'interactive', content: card(), uuid: 'sdk-1' } })
    expect(res.code).toBe(0)
    expect(res.data?.message_id).toMatch(/^om_/)
  })

  it('shows each person the cards they received on the sandbox messages page, in both languages', async () => {
    sb.state.webAppHomepage = 'http://localhost:3000'
    const link = `https://applink.feishu.cn/client/web_app/open?appId=${SANDBOX_APP_ID}&path=${encodeURIComponent('/jobs/j1')}`
    const i18nCard = JSON.stringify({
      header: { template: 'green', title: { tag: 'plain_text', content: '导入已完成', i18n: { zh_cn: '导入已完成', en_us: 'Your import is done' } } },
      i18n_elements: {
        zh_cn: [{ tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: '打开任务' }, url: link }] }],
        en_us: [{ tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: 'Open the job' }, url: link }] }],
      },
    })
    await send({ receive_id: WANG_OPEN_ID(), msg_type: 'interactive', content: i18nCard })
    const zh = await (await fetch(`${sb.url}/sandbox/messages?user=wangfang`)).text()
    expect(zh).toContain('导入已完成')
    expect(zh).toContain('打开任务')
    expect(zh).toContain('href="http://localhost:3000/jobs/j1"')
    const en = await (await fetch(`${sb.url}/sandbox/messages?user=wangfang&lang=en-US`)).text()
    expect(en).toContain('Your import is done')
    expect(en).toContain('Open the job')
    expect(en).toContain('Bot messages')
    const lina = await (await fetch(`${sb.url}/sandbox/messages?user=lina&lang=en-US`)).text()
    expect(lina).toContain('No messages yet.')
  })
})
