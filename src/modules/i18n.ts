import type { App } from 'vue'
import { createAppI18n } from '../i18n'

export function install(app: App): void {
  app.use(createAppI18n())
}
