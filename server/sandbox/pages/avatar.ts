// `GET /sandbox/avatar/:user_id.svg` — a generated avatar (initial on a colour from the user_id), so
// avatar URLs in user_info and /sandbox/users resolve without any network.
import { esc } from './html'

const COLORS = ['#3370ff', '#00b42a', '#ff7d00', '#f53f3f', '#722ed1', '#14c9c9', '#eb2f96', '#7bc616']

export function avatarSvg(userId: string, name: string, size = 240): string {
  let h = 0
  for (const ch of userId) h = (h * 31 + ch.charCodeAt(0)) >>> 0
  const color = COLORS[h % COLORS.length] ?? '#3370ff'
  const initial = esc([...name][0] ?? '?')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100"><circle cx="50" cy="50" r="50" fill="${color}"/><text x="50" y="50" dy=".35em" text-anchor="middle" font-size="44" font-family="PingFang SC, Microsoft YaHei, sans-serif" fill="#fff">${initial}</text></svg>`
}
