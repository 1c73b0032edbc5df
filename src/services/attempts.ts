import {randomBytes} from 'node:crypto'
import {CodegenError, isCodegenError, usageError} from '../api/errors.js'
import {GROUP_KEYS} from '../domain/run.js'
import type {RunLifecycle} from './lifecycle.js'
import type {CreatedRun, NewRunRequest, PreparedRun, StartOptions} from './runs.js'

// `new --attempts N` (CLI) and codegenapi_new's `attempts` (MCP): the same task started N times as a
// group. Money rules: the request is checked once, before the first create; each attempt is one
// create through the one create path (its own client request id, never resent); the first attempt
// that fails, or whose outcome is unknown, ends the group (no later attempt stands in for it); a stop
// (Ctrl-C, an MCP cancel) sends no further create.

export const MIN_ATTEMPTS = 2
export const MAX_ATTEMPTS = 4

/** What became of one attempt. */
export type AttemptState = 'created' | 'maybe_created' | 'failed' | 'not_sent'

export interface AttemptOutcome {
  attempt: number
  state: AttemptState
  /** The run, when it was created. */
  created?: CreatedRun
  /** Why it was not created, or why its outcome is unknown. */
  error?: CodegenError
  /** For `maybe_created`: the id in its metadata that finds the run. */
  clientRequestId?: string
}

export interface GroupStart {
  groupId: string
  attempts: number
  outcomes: AttemptOutcome[]
  /** The first attempt that was not created (failed or unknown): it ended the group. */
  error?: CodegenError
  /** Stopped by the caller before every attempt was sent. */
  stopped: boolean
}

export function checkAttempts(n: number): number {
  if (!Number.isInteger(n) || n < MIN_ATTEMPTS || n > MAX_ATTEMPTS) {
    throw usageError(`--attempts must be ${MIN_ATTEMPTS} to ${MAX_ATTEMPTS}: each attempt is a paid agent run.`)
  }
  return n
}

export const newGroupId = () => `g-${randomBytes(4).toString('hex')}`

/** One attempt's create: the prepared run, tagged with its group and attempt number. */
function attemptOf(prepared: PreparedRun, groupId: string, attempt: number, attempts: number): PreparedRun {
  const metadata = {...prepared.body.metadata, [GROUP_KEYS.group]: groupId, [GROUP_KEYS.attempt]: attempt, [GROUP_KEYS.attempts]: attempts}
  return {...prepared, body: {...prepared.body, metadata}}
}

/**
 * Starts `attempts` runs of one request, one after the other. Returns what became of each attempt;
 * it throws only when nothing was sent (a bad request, a read-only lifecycle), so a failure after the
 * first create never hides the runs already created.
 */
export async function startAttempts(
  lc: RunLifecycle,
  req: NewRunRequest,
  attempts: number,
  opts: {signal?: AbortSignal; cut?: AbortSignal; prepared?: PreparedRun; groupId?: string} = {},
): Promise<GroupStart> {
  checkAttempts(attempts)
  const prepared = opts.prepared ?? (await lc.prepare(req, opts.signal))
  const groupId = opts.groupId ?? newGroupId()
  const outcomes: AttemptOutcome[] = []
  let error: CodegenError | undefined
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (error || opts.signal?.aborted) {
      outcomes.push({attempt, state: 'not_sent'})
      continue
    }
    const outcome = await startOne(lc, attemptOf(prepared, groupId, attempt, attempts), attempt, opts)
    outcomes.push(outcome)
    if (outcome.state !== 'created') error = outcome.error
  }
  return {groupId, attempts, outcomes, error, stopped: Boolean(opts.signal?.aborted)}
}

async function startOne(
  lc: RunLifecycle,
  prepared: PreparedRun,
  attempt: number,
  opts: {signal?: AbortSignal; cut?: AbortSignal},
): Promise<AttemptOutcome> {
  // Stopped while the create was on the wire: its answer is still awaited (and recorded) unless cut.
  let late: Promise<CreatedRun> | undefined
  const startOpts: StartOptions<CreatedRun> = {signal: opts.signal, cut: opts.cut, late: (outcome) => void (late = outcome)}
  try {
    return {attempt, state: 'created', created: (await lc.startPrepared(prepared, startOpts)).created}
  } catch (first) {
    let error: unknown = first
    if (late) {
      try {
        return {attempt, state: 'created', created: await late}
      } catch (after) {
        error = after
      }
    }
    if (!isCodegenError(error)) error = new CodegenError('maybe_created', `Attempt ${attempt}: ${String(error)}`)
    const e = error as CodegenError
    if (e.kind === 'maybe_created') {
      const clientRequestId = e.next?.kind === 'check_created' ? e.next.clientRequestId : undefined
      return {attempt, state: 'maybe_created', error: e, clientRequestId}
    }
    // Stopped before it was sent: not a failure of the attempt.
    return {attempt, state: e.kind === 'interrupted' ? 'not_sent' : 'failed', error: e}
  }
}
