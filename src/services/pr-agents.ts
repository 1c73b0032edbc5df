import {prAgentsAction, type PrAgentsAction} from '../api/rest.js'
import type {PullRequest} from '../api/schemas.js'
import type {ServiceContext} from './context.js'
import {getRun} from './runs.js'

// stop (the API's ban), unban and remove-from-pr: they act on the pull request of an agent run, not on
// the run alone. What each does is said once, here, for the CLI's confirmation and the MCP tools.

export const PR_AGENT_ACTIONS = ['ban', 'unban', 'remove-from-pr'] as const

/** What the action does, in the words the confirmation, the help and the tool descriptions use. */
export function effectOf(action: PrAgentsAction, runId: number | string): string {
  switch (action) {
    case 'ban':
      return `This stops every agent on the pull request of agent run ${runId} and blocks future check-suite runs on it (\`unban\` lifts the block).`
    case 'remove-from-pr':
      return `This removes Codegen from the pull request of agent run ${runId}: it stops every agent on the PR and blocks future check-suite runs on it (\`unban\` lifts the block).`
    case 'unban':
      return `This lifts the block on the pull request of agent run ${runId}: check-suite runs on it are processed again. Agents that were stopped stay stopped.`
  }
}

/** What was done, once the API has accepted it. */
export function doneText(action: PrAgentsAction, runId: number): string {
  switch (action) {
    case 'ban':
      return `Stopped every agent on the pull request of agent run ${runId}; future check-suite runs on it are blocked.`
    case 'remove-from-pr':
      return `Removed Codegen from the pull request of agent run ${runId}: its agents are stopped and future check-suite runs on it are blocked.`
    case 'unban':
      return `Lifted the block on the pull request of agent run ${runId}: check-suite runs on it are processed again.`
  }
}

export interface PrAgentsResult {
  agent_run_id: number
  action: PrAgentsAction
  /** The API's own words, when its answer carries a `message`. */
  message: string | null
  /** The API's answer as it came (the contract does not describe it). */
  response: unknown
}

export async function actOnPrAgents(
  ctx: ServiceContext,
  action: PrAgentsAction,
  runId: number,
  signal?: AbortSignal,
): Promise<PrAgentsResult> {
  const response = await prAgentsAction(ctx.client(), ctx.orgId(), action, runId, signal)
  const message =
    response && typeof response === 'object' && typeof (response as {message?: unknown}).message === 'string'
      ? (response as {message: string}).message
      : null
  return {agent_run_id: runId, action, message, response}
}

/** The run's pull requests, to name them before asking for a confirmation. */
export async function pullRequestsOf(ctx: ServiceContext, runId: number, signal?: AbortSignal): Promise<PullRequest[]> {
  const run = await getRun(ctx, runId, signal)
  return run.github_pull_requests ?? []
}
