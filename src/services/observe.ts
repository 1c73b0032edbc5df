import type {AgentRun} from '../api/schemas.js'
import {observedRecord, recordDiffers, type RepoNames} from '../domain/run.js'
import {peekRunState} from './state-peek.js'
import type {StateLog} from './state.js'

/**
 * Records what a command saw of runs the local state knows (get, list, logs), so a finished run is
 * never announced as active again (F-32). Runs it does not know are not added. Nothing is loaded or
 * written when nothing changed: `list` stays as quick as before.
 */
export async function recordSeen(env: NodeJS.ProcessEnv, runs: AgentRun[], opts: {log?: StateLog; repos?: RepoNames} = {}): Promise<void> {
  const known = peekRunState(env)
  const changed = runs.filter((run) => {
    const previous = known.get(run.id)
    return previous !== undefined && recordDiffers(previous, run)
  })
  if (changed.length === 0) return
  const {StateStore} = await import('./state.js')
  const store = StateStore.forEnv(env, opts.log)
  await store.load()
  for (const run of changed) {
    const previous = store.get(run.id)
    if (previous) store.put(observedRecord(previous, run, new Date(), opts.repos))
  }
  await store.flush().catch((error) => opts.log?.('warning', (error as Error).message))
}
