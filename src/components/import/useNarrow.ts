import { onBeforeUnmount, ref, type Ref } from 'vue'

/** true on phone-width screens (the Feishu mobile webview is ~375 px): tables become cards there. */
export function useNarrow(maxWidth = 600): Ref<boolean> {
  const query = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(`(max-width: ${maxWidth}px)`) : null
  const narrow = ref(query ? query.matches : false)
  const update = (e: MediaQueryListEvent) => { narrow.value = e.matches }
  query?.addEventListener?.('change', update)
  onBeforeUnmount(() => query?.removeEventListener?.('change', update))
  return narrow
}
