import type {Page} from '../api/schemas.js'

export const API_MAX_PAGE = 100

/**
 * Walks a `{items, total}` listing with skip/limit, one page in memory at a time, and stops as soon as
 * the caller stops iterating: a consumer that has what it needs costs no further request.
 */
export async function* paged<T>(
  fetchPage: (skip: number, limit: number) => Promise<Page<T>>,
  opts: {skip?: number; pageSize?: number} = {},
): AsyncGenerator<T, void, undefined> {
  const pageSize = Math.min(API_MAX_PAGE, Math.max(1, opts.pageSize ?? API_MAX_PAGE))
  let skip = opts.skip ?? 0
  for (;;) {
    const page = await fetchPage(skip, pageSize)
    for (const item of page.items) yield item
    skip += page.items.length
    if (page.items.length < pageSize || skip >= page.total || page.items.length === 0) return
  }
}

export async function take<T>(source: AsyncIterable<T>, limit: number): Promise<T[]> {
  const out: T[] = []
  if (limit <= 0) return out
  for await (const item of source) {
    out.push(item)
    if (out.length >= limit) break
  }
  return out
}
