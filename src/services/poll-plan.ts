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
  /** `expect`: the runs this read is meant to show (a run not in it moved). `discover`: an aligned page read to find runs. */
  {kind: 'list'; skip: number; expect: number[]; discover: boolean} | {kind: 'run'; id: number}

/** The next request, or undefined while no run is due. */
export function nextRequest(spots: Iterable<Spot>, now: number): PollRequest | undefined {
  const all = [...spots]
  let first: Spot | undefined
  for (const s of all) {
    if (s.due > now) continue
    if (!first || s.due < first.due || (s.due === first.due && (s.pos ?? -1) < (first.pos ?? -1))) first = s
  }
  if (!first) return undefined
  if (first.pos !== undefined) {
    const group = groupOf(first, all)
    return group.length >= 2
      ? {kind: 'list', skip: group[0].pos!, expect: group.map((s) => s.id), discover: false}
      : {kind: 'run', id: first.id}
  }
  if (first.alone) return {kind: 'run', id: first.id}
  // Runs not placed yet: reading aligned pages from the newest finds many at once; a single one is asked for.
  const searching = all.filter((s) => s.pos === undefined && !s.alone)
  if (searching.length < 2) return {kind: 'run', id: first.id}
  const page = Math.min(...searching.map((s) => s.searchFrom))
  return {kind: 'list', skip: page * LIST_PAGE, expect: [], discover: true}
}

/**
 * The placed runs read together with `target`: the list is cut into windows of 100 places greedily
 * from the newest placed run, each window starting at its first run (covering points with the fewest
 * windows), and `target`'s window is returned, sorted by place.
 */
function groupOf(target: Spot, all: Spot[]): Spot[] {
  const placed = all.filter((s) => s.pos !== undefined).sort((a, b) => a.pos! - b.pos!)
  let group: Spot[] = []
  for (const s of placed) {
    if (group.length === 0 || s.pos! >= group[0].pos! + LIST_PAGE) {
      if (group.includes(target)) return group
      group = [s]
    } else {
      group.push(s)
    }
  }
  return group
}
