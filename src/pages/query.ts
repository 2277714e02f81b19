import type { LocationQueryValue } from 'vue-router'

/** The first value of a query parameter (`?a=1&a=2` → '1'), or null. */
export function firstQueryValue(value: LocationQueryValue | LocationQueryValue[] | undefined): string | null {
  const v = Array.isArray(value) ? value[0] : value
  return typeof v === 'string' ? v : null
}
