/**
 * Reading every page of a Feishu list or query (page_token / has_more, reference §1.2), in one
 * place: each API's page size and page guard come from FEISHU_PAGES. Pure: the caller passes the
 * read of one page.
 */
import { FEISHU_PAGES } from './feishu-limits'

export interface Page<T> { items: T[]; has_more: boolean; page_token?: string }

export type PagedApi = keyof typeof FEISHU_PAGES

/**
 * Every item of every page, in order. `readPage` gets the page size and the token of the page
 * (undefined for the first). Stops at the first page without has_more or page_token, at the API's
 * page guard, or as soon as `stop` says an item was the one wanted (then that page is the last read).
 */
export async function allPages<T>(
  api: PagedApi,
  readPage: (page: { pageSize: number; pageToken?: string }) => Promise<Page<T>>,
  stop?: (item: T) => boolean,
): Promise<T[]> {
  const { size, maxPages } = FEISHU_PAGES[api]
  const out: T[] = []
  let pageToken: string | undefined
  for (let page = 0; page < maxPages; page++) {
    const res = await readPage({ pageSize: size, ...(pageToken ? { pageToken } : {}) })
    out.push(...res.items)
    if (stop && res.items.some(stop)) break
    if (!res.has_more || !res.page_token) break
    pageToken = res.page_token
  }
  return out
}
