// `npm run sandbox`: the local Feishu on its own (SANDBOX_PORT, default 3001; SANDBOX_HOST, default 127.0.0.1).
import { SANDBOX_APP_ID } from './credentials'
import { startSandbox } from './index'

const port = Number(process.env.SANDBOX_PORT ?? 3001)
const host = process.env.SANDBOX_HOST ?? '127.0.0.1'

const sb = await startSandbox({ port, host }).catch((e: NodeJS.ErrnoException) => {
  if (e.code !== 'EADDRINUSE') throw e
  console.error(`Port ${port} is already in use. Set SANDBOX_PORT to a free port (for example SANDBOX_PORT=${port + 10}).`)
  process.exit(78)
})
console.info(`Sandbox Feishu listening on ${sb.url} (app ${SANDBOX_APP_ID}; personas: ${sb.url}/sandbox/users)`)

const stop = () => {
  sb.close().then(() => process.exit(0), () => process.exit(1))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
