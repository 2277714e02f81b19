import type { Metrics } from '../metrics'
import type { Pacer } from './pacer'

/** Records how long each call waited for its turn under Feishu's limit (in-process or Redis pacer alike). */
export function observedPacer(pacer: Pacer, metrics: Metrics): Pacer {
  return {
    schedule(api, call, key) {
      const queued = performance.now()
      return pacer.schedule(api, () => {
        metrics.pacerWait.observe({ api }, (performance.now() - queued) / 1000)
        return call()
      }, key)
    },
  }
}
