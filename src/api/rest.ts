// "The rest of the API": one function per operation, over the client's own request (retries, limiter,
// errors and debug logging stay in one place). Kept out of client.ts so the core client stays small.
import type {CodegenClient, SendOptions} from './client.js'
import * as R from './rest-schemas.js'

export type PrAgentsAction = 'ban' | 'unban' | 'remove-from-pr'

/**
 * POST agent/run/ban | unban | remove-from-pr. Idempotent in effect (banning a banned PR changes
 * nothing), so a transient failure may be retried.
 */
export function prAgentsAction(client: CodegenClient, orgId: number, action: PrAgentsAction, runId: number, signal?: AbortSignal) {
  return client.request({
    method: 'POST',
    path: `/v1/organizations/${orgId}/agent/run/${action}`,
    body: {agent_run_id: runId} satisfies R.StopAgentRunInput,
    schema: R.PrAgentsActionSchema(),
    policy: 'idempotent',
    signal,
  })
}

/** PATCH prs/{pr_id}, or repos/{repo_id}/prs/{pr_id} when the repository is known. 30 a minute. */
export function editPrState(client: CodegenClient, orgId: number, prId: number, state: R.PrState, repoId?: number, signal?: AbortSignal) {
  return client.request({
    method: 'PATCH',
    path: repoId === undefined ? `/v1/organizations/${orgId}/prs/${prId}` : `/v1/organizations/${orgId}/repos/${repoId}/prs/${prId}`,
    body: {state},
    schema: R.EditPrSchema(),
    bucket: 'pr_edit',
    // Setting a state twice leaves the same state.
    policy: 'idempotent',
    signal,
  })
}

export function getCheckSuiteSettings(client: CodegenClient, orgId: number, repoId: number, signal?: AbortSignal) {
  return client.request({
    method: 'GET',
    path: `/v1/organizations/${orgId}/repos/check-suite-settings`,
    query: {repo_id: repoId},
    schema: R.CheckSuiteSettingsSchema(),
    signal,
  })
}

export function putCheckSuiteSettings(
  client: CodegenClient,
  orgId: number,
  repoId: number,
  input: R.CheckSuiteSettingsInput,
  signal?: AbortSignal,
) {
  return client.request({
    method: 'PUT',
    path: `/v1/organizations/${orgId}/repos/check-suite-settings`,
    query: {repo_id: repoId},
    body: input,
    schema: R.CheckSuiteUpdateSchema(),
    policy: 'idempotent',
    signal,
  })
}

export function integrations(client: CodegenClient, orgId: number, signal?: AbortSignal) {
  return client.request({method: 'GET', path: `/v1/organizations/${orgId}/integrations`, schema: R.IntegrationsSchema(), signal})
}

export function oauthTokenStatus(client: CodegenClient, orgId: number, signal?: AbortSignal) {
  return client.request({method: 'GET', path: '/v1/oauth/tokens/status', query: {org_id: orgId}, schema: R.OAuthStatusSchema(), signal})
}

/**
 * POST setup-commands/generate starts a setup-command agent: a paid run. Sent under the `create`
 * policy (repeated only when the server certainly did not act), and its own limit of 5 a minute.
 */
export function generateSetupCommands(client: CodegenClient, orgId: number, input: R.GenerateSetupCommandsInput, send: SendOptions = {}) {
  return client.request({
    method: 'POST',
    path: `/v1/organizations/${orgId}/setup-commands/generate`,
    body: input,
    schema: R.SetupCommandsSchema(),
    bucket: 'setup_commands',
    policy: 'create',
    ...send,
  })
}
