// `npm start` builds the app only when dist/ is missing or older than its sources,
// so a fresh clone needs just `npm install && npm start`.
import { existsSync, statSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

const inputs = ['src', 'public', 'index.html', 'vite.config.ts', 'app.json', 'package.json']

function newest(path) {
  if (!existsSync(path)) return 0
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let max = st.mtimeMs
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)))
  return max
}

const built = existsSync('dist/index.html') ? statSync('dist/index.html').mtimeMs : 0
const source = Math.max(...inputs.map(newest))
if (built < source) {
  console.info(built ? 'Sources changed since the last build; rebuilding the app…' : 'Building the app…')
  const r = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
