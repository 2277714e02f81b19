import type { App, Plugin } from 'vue'
// Only the Arco components the app uses, each with its own stylesheet, to keep the bundle small.
import Alert from '@arco-design/web-vue/es/alert'
import Button from '@arco-design/web-vue/es/button'
import Card from '@arco-design/web-vue/es/card'
import ConfigProvider from '@arco-design/web-vue/es/config-provider'
import Radio from '@arco-design/web-vue/es/radio'
import Spin from '@arco-design/web-vue/es/spin'
import Tag from '@arco-design/web-vue/es/tag'
import '@arco-design/web-vue/es/style/index.css'
import '@arco-design/web-vue/es/alert/style/index.css'
import '@arco-design/web-vue/es/button/style/index.css'
import '@arco-design/web-vue/es/card/style/index.css'
import '@arco-design/web-vue/es/radio/style/index.css'
import '@arco-design/web-vue/es/spin/style/index.css'
import '@arco-design/web-vue/es/tag/style/index.css'

export const arcoComponents: Plugin[] = [Alert, Button, Card, ConfigProvider, Radio, Spin, Tag]

export function install(app: App): void {
  for (const component of arcoComponents) app.use(component)
}
