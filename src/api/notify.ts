import { request } from './http'

export interface NotifySettings { enabled: boolean }

/** Whether the app's bot messages the signed-in person in Feishu about their jobs. */
export async function getNotifySettings(): Promise<NotifySettings> {
  return (await request<{ settings: NotifySettings }>({ method: 'GET', url: '/api/notify/settings' })).settings
}

export async function putNotifySettings(settings: NotifySettings): Promise<NotifySettings> {
  return (await request<{ settings: NotifySettings }>({ method: 'PUT', url: '/api/notify/settings', data: settings })).settings
}
