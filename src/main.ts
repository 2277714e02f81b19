import { createApp } from 'vue'
import App from './App.vue'
import { install as installPinia } from './modules/pinia'
import { install as installI18n } from './modules/i18n'
import { install as installRouter } from './modules/router'
import { install as installArco } from './modules/arco'
import { install as installTheme } from './modules/theme'
import './styles/main.css'

const app = createApp(App)
// Pinia first: the router's guard uses the session store.
for (const install of [installPinia, installI18n, installRouter, installArco, installTheme]) install(app)
app.mount('#app')
