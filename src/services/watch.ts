import {ExitCode} from '../cli/exit-codes.js'
import type {AgentRun} from '../api/schemas.js'
import {isComplete, type RunRecord} from '../domain/run.js'

// What a watch of several runs came to, and its exit code: the same rules for `watch`, `--wait`
// and `logs --follow`.

export interface WatchedRun {
  id: number
  record: RunRecord
  /** The run as the API last returned it (what --json prints); absent when it was never seen. */
  run?: AgentRun
  finished: boolean
  /** The API said there is no such run. */
  missing: boolean
}

export interface WatchOutcome {
  runs: WatchedRun[]
  timedOut: boolean
}

/**
 * The exit code of the worst outcome: 4 a run does not exist, 124 one is still running when time ran
 * out, 6 one ended otherwise than COMPLETE, else 0 (F-33).
 */
export function worstExitCode(outcome: WatchOutcome): number {
  if (outcome.runs.some((r) => r.missing)) return ExitCode.NOT_FOUND
  if (outcome.timedOut || outcome.runs.some((r) => !r.finished)) return ExitCode.TIMEOUT
  return outcome.runs.every((r) => isComplete(r.record.status)) ? ExitCode.OK : ExitCode.RUN_NOT_COMPLETE
}

/** The exit code for one run that was followed to its end: 0 COMPLETE, 6 another final status. */
export const finalExitCode = (status: string | null | undefined): number => (isComplete(status) ? ExitCode.OK : ExitCode.RUN_NOT_COMPLETE)
