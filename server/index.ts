import { ConfigError } from './config'
import { startServer } from './start'

// Read config, build the app, listen — nothing else.
try {
  const running = await startServer(process.env)
  const stop = () => void running.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message)
    process.exit(78)
  }
  throw e
}
