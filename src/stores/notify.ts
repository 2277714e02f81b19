import { defineStore } from 'pinia'
import { getNotifySettings, putNotifySettings, type NotifySettings } from '../api/notify'
import { asyncTask, type AsyncState } from './async-state'

export interface NotifyStore {
  /** The person's choice, as the server has it. */
  settings: AsyncState<NotifySettings>
  /** A change being saved (its error shows beside the switch). */
  saving: AsyncState<NotifySettings>
  load(): Promise<void>
  setEnabled(enabled: boolean): Promise<void>
}

/** Job messages in Feishu: on or off for the signed-in person (stored on the server). */
export const useNotifyStore = defineStore('notify', (): NotifyStore => {
  const settings = asyncTask<NotifySettings>()
  const saving = asyncTask<NotifySettings>()
  return {
    settings: settings.state,
    saving: saving.state,
    async load() {
      await settings.run(() => getNotifySettings())
    },
    async setEnabled(enabled) {
      const saved = await saving.run(() => putNotifySettings({ enabled }))
      if (saved) settings.state.data = saved
    },
  }
})
