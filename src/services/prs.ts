import {CodegenError, usageError} from '../api/errors.js'
import {editPrState} from '../api/rest.js'
import {PR_STATES, type EditPrResponse, type PrState} from '../api/rest-schemas.js'
import type {AgentRun, PullRequest} from '../api/schemas.js'
import {prRef, repoIdOf as startedRepoId} from '../domain/run.js'
import type {ServiceContext} from './context.js'
import {resolveRepo} from './repos.js'
import {getRun} from './runs.js'

/** What people type: open, closed, draft, ready (or the API's ready_for_review), any case. */
export const PR_STATE_WORDS = ['open', 'closed', 'draft', 'ready'] as const

export function parsePrState(input: string): PrState {
  const word = input.trim().toLowerCase().replace(/-/g, '_')
  const state = word === 'ready' ? 'ready_for_review' : word === 'close' ? 'closed' : word
  if (!(PR_STATES as readonly string[]).includes(state)) {
    throw usageError(`Unknown pull request state ${JSON.stringify(input)}.`, `Use one of: ${PR_STATE_WORDS.join(', ')}.`)
  }
  return state as PrState
}

export interface SetPrStateRequest {
  /** Optional with `runId` when the run has one pull request. */
  prId?: number
  state: string
  /** Take the repository from this run's pull request: the API's repo-scoped endpoint is used. */
  runId?: number
}

export interface SetPrStateResult extends EditPrResponse {
  pr_id: number
  /** The repository the request named (from the run), or null for the PR-only endpoint. */
  repo_id: number | null
  requested_state: PrState
}

export async function setPrState(ctx: ServiceContext, req: SetPrStateRequest, signal?: AbortSignal): Promise<SetPrStateResult> {
  const state = parsePrState(req.state)
  if (req.prId === undefined && req.runId === undefined) throw usageError('Which pull request? Give its id, or the run that opened it.')
  const client = ctx.client()
  const orgId = ctx.orgId()
  let prId = req.prId
  let repoId: number | undefined
  if (req.runId !== undefined) {
    const run = await getRun(ctx, req.runId, signal)
    const pr = pullRequestOf(run, prId)
    prId = pr.id
    repoId = await repoIdOf(ctx, run, pr)
  }
  const answer = await editPrState(client, orgId, prId!, state, repoId, signal)
  if (!answer.success) {
    throw new CodegenError('api', `Pull request ${prId} was not changed: ${answer.error ?? 'the API gave no reason'}.`, {
      hint: answer.state ? `It is ${answer.state}.` : undefined,
    })
  }
  return {...answer, pr_id: prId!, repo_id: repoId ?? null, requested_state: state}
}

/** The run's pull request `prId`, or its only one when no id is given. */
function pullRequestOf(run: AgentRun, prId: number | undefined): PullRequest {
  const prs = run.github_pull_requests ?? []
  const list = () =>
    prs.length ? `Its pull requests: ${prs.map((p) => `${p.id} (${p.url ?? p.title ?? 'no URL'})`).join(', ')}.` : 'It has none.'
  if (prId === undefined) {
    if (prs.length === 1) return prs[0]
    throw new CodegenError(prs.length ? 'usage' : 'not_found', `Agent run ${run.id} has ${prs.length || 'no'} pull requests: which one?`, {
      hint: list(),
    })
  }
  const pr = prs.find((p) => p.id === prId)
  if (!pr) throw new CodegenError('not_found', `Pull request ${prId} is not one of agent run ${run.id}'s.`, {hint: list()})
  return pr
}

/** The repository of the run's pull request: from the PR's GitHub URL, else the run's metadata. */
async function repoIdOf(ctx: ServiceContext, run: AgentRun, pr: PullRequest): Promise<number> {
  // The one rule for what a PR URL names (domain/run.ts), then what the run was started with.
  const fromUrl = prRef(pr.url)?.repo
  const m = run.metadata ?? {}
  if (fromUrl) return (await resolveRepo(ctx, fromUrl)).id
  const startedWith = startedRepoId(run)
  if (startedWith !== undefined) return startedWith
  if (typeof m.repo === 'string') return (await resolveRepo(ctx, m.repo)).id
  throw new CodegenError('not_found', `The repository of pull request ${pr.id} cannot be told from agent run ${run.id}.`, {
    hint: 'Without the run, the pull request id alone is enough.',
  })
}
