// `npm run dev`: the API server with reload (tsx watch) and Vite's dev server with HMR,
// which proxies /api to the API server. Ctrl-C stops both.
import { spawn } from 'node:child_process'

const children = [
  spawn('npx', ['tsx', 'watch', '--clear-screen=false', 'server/index.ts'], { stdio: 'inherit', env: { ...process.env, PUBLIC_URL: process.env.PUBLIC_URL ?? 'http://localhost:5173' } }),
  spawn('npx', ['vite'], { stdio: 'inherit' }),
]
const stop = () => { for (const c of children) c.kill('SIGTERM') }
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
for (const c of children) c.on('exit', (code) => { if (code && code !== 0) { stop(); process.exitCode = code } })
