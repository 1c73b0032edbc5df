import {createContext, type ContextOptions} from './context.js'
import {monitorIntervalFromEnv, RunMonitor, type RunUpdate} from './monitor.js'
import {ParentReporter} from './parents.js'
import {StateStore, type RunRecord} from './state.js'
import {isComplete, isTerminal} from './status.js'
import type {AgentRun} from '../api/schemas.js'

// `codegenapi watch`: the MCP server's run monitor and parent reporter, in a CLI process.

export interface WatchSession {
  monitor: RunMonitor
  store: StateStore
  reporter: ParentReporter
}

export async function openWatchSession(
  opts: ContextOptions & {log?: (level: string, message: string) => void} = {},
): Promise<WatchSession> {
  const env = opts.env ?? process.env
  const store = StateStore.forEnv(env, (level, message) => opts.log?.(level, message))
  await store.load()
  const context = () => createContext(opts)
  const monitor = new RunMonitor({
    context,
    store,
    intervalMs: monitorIntervalFromEnv(env) ?? 3000,
    log: (level, message) => opts.log?.(level, message),
  })
  const reporter = new ParentReporter(monitor, context, (level, message) => opts.log?.(level, message)).start()
  return {monitor, store, reporter}
}

/** Records a run this process started, so `watch` (or an MCP server) follows it and its parent report. */
export async function rememberRun(run: AgentRun, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const store = StateStore.forEnv(env)
  await store.load()
  const {recordFromRun} = await import('./state.js')
  store.put({...recordFromRun(run, store.get(run.id)), watched: !isTerminal(run.status)})
  await store.close()
}

export interface WatchOutcome {
  runs: RunRecord[]
  timedOut: boolean
}

/**
 * Watches the given runs (or, with none, those the state file says are still active) until every one
 * is terminal or time runs out. `onUpdate` sees every change as it happens.
 */
export async function watchRuns(
  session: WatchSession,
  ids: number[],
  opts: {timeoutMs: number; signal?: AbortSignal; onUpdate?: (u: RunUpdate) => void},
): Promise<WatchOutcome> {
  const {monitor, store} = session
  const targets = ids.length > 0 ? ids : store.active().map((r) => r.id)
  const off = opts.onUpdate ? monitor.onUpdate(opts.onUpdate) : undefined
  monitor.start()
  try {
    const results = await Promise.all(targets.map((id) => monitor.waitFor(id, {timeoutMs: opts.timeoutMs, signal: opts.signal})))
    // Reports to parents that became deliverable at the end are sent before we leave.
    await session.reporter.deliver()
    return {runs: results.map((r) => r.record), timedOut: results.some((r) => !r.finished)}
  } finally {
    off?.()
    await monitor.stop()
  }
}

/** The exit code of the worst outcome: 124 timed out, 6 a run ended otherwise than COMPLETE, else 0. */
export function worstExitCode(outcome: WatchOutcome): number {
  if (outcome.timedOut) return 124
  return outcome.runs.every((r) => isComplete(r.status)) ? 0 : 6
}
