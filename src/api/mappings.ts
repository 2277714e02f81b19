import type { TargetKind } from '../domain/jobs'
import { request } from './http'
import type { SavedMapping } from '../import/mapping'

/** The write targets of the registry (src/domain/write-targets.ts). */
export type MappingTargetKind = TargetKind

const url = (kind: MappingTargetKind, id: string) => `/api/mappings/${kind}/${encodeURIComponent(id)}`

/** The person's saved column mapping for a target, or null. */
export async function getMapping(kind: MappingTargetKind, id: string): Promise<SavedMapping | null> {
  return (await request<{ mapping: SavedMapping | null }>({ method: 'GET', url: url(kind, id) })).mapping
}

export async function saveMapping(kind: MappingTargetKind, id: string, mapping: SavedMapping): Promise<void> {
  await request<unknown>({ method: 'PUT', url: url(kind, id), data: { entries: mapping.entries } })
}
