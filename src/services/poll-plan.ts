// What the run monitor asks the API next: one request at a time, for the run most overdue, in the
// cheapest way that covers it. The list endpoint answers for up to 100 runs a request (newest first,
// any `skip`), so runs that sit within 100 places of each other are read together; a run alone in its
// stretch of the list, or one the list does not show, is asked for on its own (the same cost).

export const LIST_PAGE = 100
/** Discovery looks this deep into the list (newest first) for a run before asking for it alone. */
export const MAX_SEARCH_PAGES = 20

export interface Spot {
  id: number
  /** When the run should be looked at next. */
  due: number
  /** Its place in the newest-first list, estimated from the last list read that showed it. */
  pos?: number
  /** Polled on its own: the list did not show it where it should have been. */
  alone: boolean
  /** The first aligned list page discovery has not yet looked at for this run. */
  searchFrom: number
}

export type PollRequest =
  /**
   * `expect`: the runs this read is meant to show (a run not in it moved). `discover`: an aligned page
   * read to find runs. `origin`: the place the pages of placed runs are counted from (see nextRequest).
   */
  {kind: 'list'; skip: number; expect: number[]; discover: boolean; origin?: number} | {kind: 'run'; id: number}

/**
 * The next request, or undefined while no run is due. Placed runs are read in pages of 100 places
 * counted from `origin` (a place in the list), so that each run is read with the same others every
 * time: the pages keep their rhythm as runs finish. Without an origin, or when pages counted from it
 * would take more reads than the fewest that cover the placed runs, the newest placed run is the
 * origin; the list request says which origin it used (the caller keeps it, shifted as the list grows).
 */
export function nextRequest(spots: Iterable<Spot>, now: number, origin?: number): PollRequest | undefined {
  const all = [...spots]
  let first: Spot | undefined
  for (const s of all) {
    if (s.due > now) continue
    if (!first || s.due < first.due || (s.due === first.due && (s.pos ?? -1) < (first.pos ?? -1))) first = s
  }
  if (!first) return undefined
  if (first.pos !== undefined) {
    const placed = all.filter((s) => s.pos !== undefined).sort((a, b) => a.pos! - b.pos!)
    const from = origin === undefined || pagesFrom(placed, origin) > fewestPages(placed) ? placed[0].pos! : origin
    const page = pageOf(first.pos, from)
    const group = placed.filter((s) => pageOf(s.pos!, from) === page)
    return group.length >= 2
      ? {kind: 'list', skip: Math.max(0, from + page * LIST_PAGE), expect: group.map((s) => s.id), discover: false, origin: from}
      : {kind: 'run', id: first.id}
  }
  if (first.alone) return {kind: 'run', id: first.id}
  // Runs not placed yet: reading aligned pages from the newest finds many at once; a single one is asked for.
  const searching = all.filter((s) => s.pos === undefined && !s.alone)
  if (searching.length < 2) return {kind: 'run', id: first.id}
  const page = Math.min(...searching.map((s) => s.searchFrom))
  return {kind: 'list', skip: page * LIST_PAGE, expect: [], discover: true}
}

const pageOf = (pos: number, origin: number) => Math.floor((pos - origin) / LIST_PAGE)

/** How many pages counted from `origin` hold the placed runs (sorted by place). */
function pagesFrom(placed: Spot[], origin: number): number {
  let pages = 0
  let last: number | undefined
  for (const s of placed) {
    const page = pageOf(s.pos!, origin)
    if (page !== last) pages++
    last = page
  }
  return pages
}

/** The fewest reads of 100 places that cover the placed runs (sorted): each starts at the first run not yet covered. */
function fewestPages(placed: Spot[]): number {
  let pages = 0
  let end = -Infinity
  for (const s of placed) {
    if (s.pos! < end) continue
    pages++
    end = s.pos! + LIST_PAGE
  }
  return pages
}
