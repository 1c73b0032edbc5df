import {CodegenError, usageError} from '../api/errors.js'
import {editPrState} from '../api/rest.js'
import {PR_STATES, type EditPrResponse, type PrState} from '../api/rest-schemas.js'
import type {AgentRun} from '../api/schemas.js'
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
  prId: number
  state: string
  /** Take the repository from this run's pull request: the API's repo-scoped endpoint is used. */
  runId?: number
}

export interface SetPrStateResult extends EditPrResponse {
  pr_id: number
  /** The repository the request named (from --run), or null for the PR-only endpoint. */
  repo_id: number | null
  requested_state: PrState
}

export async function setPrState(ctx: ServiceContext, req: SetPrStateRequest, signal?: AbortSignal): Promise<SetPrStateResult> {
  const state = parsePrState(req.state)
  const client = ctx.client()
  const orgId = ctx.orgId()
  const repoId = req.runId === undefined ? undefined : await repoIdFromRun(ctx, await getRun(ctx, req.runId, signal), req.prId)
  const answer = await editPrState(client, orgId, req.prId, state, repoId, signal)
  if (!answer.success) {
    throw new CodegenError('api', `Pull request ${req.prId} was not changed: ${answer.error ?? 'the API gave no reason'}.`, {
      hint: answer.state ? `It is ${answer.state}.` : undefined,
    })
  }
  return {...answer, pr_id: req.prId, repo_id: repoId ?? null, requested_state: state}
}

/** The repository of the run's pull request PR_ID: from the PR's GitHub URL, else the run's metadata. */
async function repoIdFromRun(ctx: ServiceContext, run: AgentRun, prId: number): Promise<number> {
  const prs = run.github_pull_requests ?? []
  const pr = prs.find((p) => p.id === prId)
  if (!pr) {
    throw new CodegenError('not_found', `Pull request ${prId} is not one of agent run ${run.id}'s.`, {
      hint: prs.length ? `Its pull requests: ${prs.map((p) => `${p.id} (${p.url ?? p.title ?? 'no URL'})`).join(', ')}.` : 'It has none.',
    })
  }
  const fromUrl = /github\.com\/([^/]+\/[^/]+)\/pull\/\d+/i.exec(pr.url ?? '')?.[1]
  const m = run.metadata ?? {}
  if (fromUrl) return (await resolveRepo(ctx, fromUrl)).id
  if (typeof m.repo_id === 'number') return m.repo_id
  if (typeof m.repo === 'string') return (await resolveRepo(ctx, m.repo)).id
  throw new CodegenError('not_found', `The repository of pull request ${prId} cannot be told from agent run ${run.id}.`, {
    hint: 'Without the run, the pull request id alone is enough.',
  })
}
