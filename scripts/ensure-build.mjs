// `npm start` builds only what is missing or older than its sources — the app (dist/) and the
// bundled server (dist-server/) — so a fresh clone needs just `npm install && npm start`.
import { existsSync, statSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

function newest(path) {
  if (!existsSync(path)) return 0
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let max = st.mtimeMs
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)))
  return max
}

function stale(output, inputs) {
  const built = existsSync(output) ? statSync(output).mtimeMs : 0
  return built < Math.max(...inputs.map(newest))
}

function run(script, message) {
  console.info(message)
  const r = spawnSync('npm', ['run', '--silent', script], { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

const shared = ['package.json', 'app.json', 'src/domain']
if (stale('dist/index.html', [...shared, 'src', 'public', 'index.html', 'vite.config.ts', 'build'])) run('build:app', 'Building the app…')
if (stale('dist-server/index.mjs', [...shared, 'server'])) run('build:server', 'Building the server…')
