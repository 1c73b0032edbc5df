import type {AgentRun} from '../api/schemas.js'
import {groupOf} from '../domain/run.js'
import type {ServiceContext} from './context.js'
import {MAX_ATTEMPTS} from './attempts.js'
import {openRunListing} from './run-list.js'

// The runs of an attempt group (`new --attempts N`), for `list --group` and `watch --group`: found by
// the group id in their metadata, so a group started elsewhere (another machine, the MCP server) is
// found too. Its attempts were created together, so a walk of the newest runs meets them side by side.

export interface GroupRun {
  run: AgentRun
  attempt: number
}

export interface FoundGroup {
  id: string
  /** How many attempts the group was started with (from its runs' metadata), when any was found. */
  attempts?: number
  /** Its runs, by attempt number. */
  runs: GroupRun[]
  /** The walk gave up (MAX_FILTER_PAGES pages in a row without a match) before the runs ran out. */
  capped: boolean
}

export async function findGroup(ctx: ServiceContext, groupId: string): Promise<FoundGroup> {
  const listing = await openRunListing(ctx, {group: groupId})
  const byAttempt = new Map<number, AgentRun>()
  let attempts: number | undefined
  for await (const run of listing.runs) {
    const group = groupOf(run)
    if (!group || byAttempt.has(group.attempt)) continue
    byAttempt.set(group.attempt, run)
    attempts ??= group.attempts
    if (byAttempt.size >= Math.min(attempts, MAX_ATTEMPTS)) break
  }
  const runs = [...byAttempt].sort(([a], [b]) => a - b).map(([attempt, run]) => ({attempt, run}))
  return {id: groupId, attempts, runs, capped: listing.scanned().capped}
}

/** What `--json` prints for a run of a group: the API's run, its group id and attempt number. */
export const groupRunJson = (groupId: string, r: GroupRun) => ({...r.run, group_id: groupId, attempt: r.attempt})
