import { ConfigError } from './config'
import { startServer } from './start'

// Read config, build the app, listen — nothing else.
try {
  const running = await startServer(process.env)
  // SIGTERM (orchestrators, load balancer drains) and Ctrl-C: graceful, with a deadline; a second signal ends at once.
  const stop = () => {
    process.once('SIGINT', () => process.exit(1))
    process.once('SIGTERM', () => process.exit(1))
    setTimeout(() => process.exit(1), 60_000).unref()
    void running.close().then(() => process.exit(0), () => process.exit(1))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message)
    process.exit(78)
  }
  throw e
}
