import {CodegenError} from '../api/errors.js'
import type {AgentRun} from '../api/schemas.js'
import type {AttemptOutcome, GroupStart} from '../services/attempts.js'
import {errorJson} from './exit-codes.js'
import {cliHint} from './hints.js'

// `new --attempts N` in the CLI's words: the question that states the cost, what became of each
// attempt, and its --json.

export function attemptsQuestion(n: number, repo: string | undefined, parentRunId?: number): {question: string; refusal: string} {
  const where = repo ? ` on ${repo}` : ''
  // Each child reports to its parent by resuming it: N attempts, N resumes of the parent.
  const reports = parentRunId !== undefined ? ` Each reports to agent run ${parentRunId} when it finishes: ${n} resumes of it.` : ''
  const cost = `This starts the same task ${n} times${where}: ${n} paid agent runs, each billed as a run of its own.${reports}`
  return {question: `${cost} Continue?`, refusal: cost}
}

/** One line per attempt: the run created, or why there is none and what to do. */
export function attemptLine(o: AttemptOutcome, of: number): string {
  const label = `Attempt ${o.attempt}/${of}`
  switch (o.state) {
    case 'created':
      return `${label}: created agent run ${o.created!.run.id} (${o.created!.run.status ?? 'unknown'})${o.created!.run.web_url ? ` ${o.created!.run.web_url}` : ''}`
    case 'maybe_created':
      return `${label}: may have been created: ${o.error?.message ?? ''} ${o.error ? (cliHint(o.error) ?? '') : ''}`.trim()
    case 'failed':
      return `${label}: not created: ${o.error?.message ?? ''}`.trim()
    case 'not_sent':
      return `${label}: not sent.`
  }
}

/** The group's end in one sentence: how many runs exist, and how many may. */
export function groupSummary(group: GroupStart): string {
  const created = group.outcomes.filter((o) => o.state === 'created').length
  const maybe = group.outcomes.filter((o) => o.state === 'maybe_created').length
  const stoppedBy = group.stopped ? 'Interrupted: ' : group.error ? 'Stopped at the first attempt not created: ' : ''
  const may = maybe ? `, ${maybe} may have been` : ''
  return `${stoppedBy}group ${group.groupId}: ${created} of ${group.attempts} agent runs created${may}. No attempt was sent twice.`
}

/** The error that decides the exit code when not every attempt was created. */
export function groupError(group: GroupStart): CodegenError | undefined {
  if (group.stopped) return new CodegenError('interrupted', groupSummary(group))
  return group.error
}

/** `--json`: one object per attempt, the run when there is one (ATTEMPT_FIELDS). */
export function attemptJson(group: GroupStart, runs: ReadonlyMap<number, AgentRun> = new Map()) {
  return group.outcomes.map((o) => {
    const run = o.created ? (runs.get(o.created.run.id) ?? o.created.run) : undefined
    return {
      ...(run ?? {id: null, status: null}),
      group_id: group.groupId,
      attempt: o.attempt,
      outcome: o.state,
      client_request_id: o.created?.clientRequestId ?? o.clientRequestId ?? null,
      error: o.error ? errorJson(o.error) : null,
    }
  })
}
