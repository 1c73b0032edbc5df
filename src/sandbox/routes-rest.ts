// The rest of the contract's operations: ban/unban/remove-from-pr, PR state, check-suite settings,
// integrations, OAuth token status and setup commands. Answers are checked against the contract by
// the server like every other route; the bookkeeping lives in RestState, cleared on reset().
import {checkBody, Issues, last} from './params.js'
import {forbidden, invalid, isReply, orgScoped, type Reply, type RequestContext, type Route} from './routes.js'
import type {FakeState} from './state.js'
import type {FakeRun, GithubPullRequest} from './types.js'

export interface CheckSuiteSettings {
  check_retry_count: number
  ignored_checks: string[]
  check_retry_counts: Record<string, number>
  custom_prompts: Record<string, string>
  high_priority_apps: string[]
  available_check_suite_names: string[]
}

/** What the endpoints of this file remember. */
export interface RestState {
  /** Pull request ids whose check suites are banned (ban / remove-from-pr), and runs banned without a PR. */
  bannedPrs: Set<number>
  bannedRuns: Set<number>
  /** PR state by PR id, once changed (all PRs start "open"). */
  prStates: Map<number, string>
  checkSuite: Map<number, CheckSuiteSettings>
  /** Providers with an OAuth token for the token's user. */
  oauthProviders: string[]
}

const KEY = 'rest'

export function restState(state: FakeState): RestState {
  let rest = state.extras.get(KEY) as RestState | undefined
  if (!rest) {
    rest = {
      bannedPrs: new Set(),
      bannedRuns: new Set(),
      prStates: new Map(),
      checkSuite: new Map(),
      oauthProviders: ['github', 'slack', 'linear'],
    }
    state.extras.set(KEY, rest)
  }
  return rest
}

export const DEFAULT_CHECK_SUITE = (): CheckSuiteSettings => ({
  check_retry_count: 2,
  ignored_checks: [],
  check_retry_counts: {},
  custom_prompts: {},
  high_priority_apps: [],
  available_check_suite_names: ['build', 'lint', 'test', 'typecheck', 'e2e'],
})

const ok = (body: unknown): Reply => ({status: 200, body})
const runNotFound: Reply = {status: 404, body: {message: 'Agent run not found.', status_code: 404}}
const repoNotFound: Reply = {status: 404, body: {message: 'Repository not found.', status_code: 404}}
const prNotFound: Reply = {status: 404, body: {message: 'Pull request not found.', status_code: 404}}

const scoped = orgScoped // the same org-id check as the first routes

const TERMINAL = new Set(['COMPLETE', 'FAILED', 'ERROR', 'STOPPED', 'CANCELLED'])
const repoOfPr = (pr: GithubPullRequest) => /github\.com\/([^/]+\/[^/]+)\/pull\/(\d+)/.exec(pr.url ?? '')

/** ban and remove-from-pr: flag the run's PRs (or the run, without one) and stop every live run on them. */
function ban(ctx: RequestContext, run: FakeRun): Reply {
  const rest = restState(ctx.state)
  const prIds = (run.github_pull_requests ?? []).map((p) => p.id)
  if (prIds.length) prIds.forEach((id) => rest.bannedPrs.add(id))
  else rest.bannedRuns.add(run.id)
  const onPr = (r: FakeRun) => r.id === run.id || (r.github_pull_requests ?? []).some((p) => prIds.includes(p.id))
  const stopped = ctx.state
    .allRuns(ctx.now)
    .filter((r) => r.organization_id === run.organization_id && onPr(r) && !TERMINAL.has((r.status ?? '').toUpperCase()))
  for (const r of stopped) ctx.state.setRunStatus(r.id, 'STOPPED')
  return ok({
    message: `Banned all checks for the pull request of agent run ${run.id}; stopped ${stopped.length} agent run(s).`,
    stopped_agent_run_ids: stopped.map((r) => r.id),
  })
}

function unban(ctx: RequestContext, run: FakeRun): Reply {
  const rest = restState(ctx.state)
  for (const pr of run.github_pull_requests ?? []) rest.bannedPrs.delete(pr.id)
  rest.bannedRuns.delete(run.id)
  return ok({message: `Unbanned all checks for the pull request of agent run ${run.id}.`})
}

function prAgentsRoute(action: 'ban' | 'unban' | 'remove-from-pr'): Route {
  return {
    method: 'POST',
    template: `/v1/organizations/{org_id}/agent/run/${action}`,
    category: 'standard',
    handle(ctx) {
      const r = scoped(ctx, (i) =>
        checkBody(i, ctx.body, {agent_run_id: 'int', before_card_order_id: 'string', after_card_order_id: 'string'}, ['agent_run_id']),
      )
      if (isReply(r)) return r
      const run = ctx.state.findRun((r.value as {agent_run_id: number}).agent_run_id)
      if (!run || run.organization_id !== r.orgId) return runNotFound
      return action === 'unban' ? unban(ctx, run) : ban(ctx, run)
    },
  }
}

/** Every PR of the org's runs by id (several runs may share one). */
function findPr(ctx: RequestContext, orgId: number, prId: number): GithubPullRequest | undefined {
  for (const run of ctx.state.allRuns(ctx.now)) {
    if (run.organization_id !== orgId) continue
    const pr = (run.github_pull_requests ?? []).find((p) => p.id === prId)
    if (pr) return pr
  }
  return undefined
}

const PR_STATES = ['open', 'closed', 'draft', 'ready_for_review'] as const

function editPr(ctx: RequestContext, withRepo: boolean): Reply {
  const r = scoped(ctx, (i) => ({
    prId: i.int('path', 'pr_id', ctx.params.pr_id),
    repoId: withRepo ? i.int('path', 'repo_id', ctx.params.repo_id) : undefined,
    body: checkBody(i, ctx.body, {state: {enum: PR_STATES}}, ['state']),
  }))
  if (isReply(r)) return r
  const {prId, repoId, body} = r.value
  const pr = findPr(ctx, r.orgId, prId!)
  if (!pr) return prNotFound
  const match = repoOfPr(pr)
  if (withRepo) {
    const repo = ctx.state.repos(r.orgId).find((x) => x.id === repoId)
    if (!repo) return repoNotFound
    if (!match || match[1].toLowerCase() !== repo.full_name.toLowerCase()) return prNotFound
  }
  const rest = restState(ctx.state)
  const current = rest.prStates.get(pr.id) ?? 'open'
  const wanted = (body as {state: string}).state
  const base = {url: pr.url, number: match ? Number(match[2]) : null, title: pr.title}
  // As GitHub: a closed pull request cannot become a draft or be marked ready.
  if (current === 'closed' && (wanted === 'draft' || wanted === 'ready_for_review')) {
    return ok({...base, success: false, state: current, error: `Pull request is closed; reopen it before marking it ${wanted}.`})
  }
  const next = wanted === 'ready_for_review' ? 'open' : wanted
  rest.prStates.set(pr.id, next)
  return ok({...base, success: true, state: next, error: null})
}

/** The repo_id query parameter of check-suite settings; a 404 reply for a repository outside the org. */
function checkSuiteRepo(ctx: RequestContext, extra: (i: Issues) => unknown = () => undefined): {repoId: number; value: unknown} | Reply {
  const r = scoped(ctx, (i) => ({repoId: i.int('query', 'repo_id', last(ctx.query, 'repo_id')) ?? missingRepoId(i), value: extra(i)}))
  if (isReply(r)) return r
  if (!ctx.state.repos(r.orgId).some((x) => x.id === r.value.repoId)) return repoNotFound
  return {repoId: r.value.repoId!, value: r.value.value}
}
const missingRepoId = (i: Issues) => i.add('missing', ['query', 'repo_id'], 'Field required', null)

/** CheckSuiteSettingsRequest: every field optional and nullable; the retry count 0..10. */
function checkSuiteBody(i: Issues, ctx: RequestContext): Record<string, unknown> | undefined {
  const body = checkBody(
    i,
    ctx.body,
    {
      check_retry_count: 'int',
      ignored_checks: 'string[]',
      check_retry_counts: 'object',
      custom_prompts: 'object',
      high_priority_apps: 'string[]',
    },
    [],
  )
  if (!body) return undefined
  const n = body.check_retry_count
  if (typeof n === 'number' && (n < 0 || n > 10)) {
    if (n < 0) i.add('greater_than_equal', ['body', 'check_retry_count'], 'Input should be greater than or equal to 0', n, {ge: 0})
    else i.add('less_than_equal', ['body', 'check_retry_count'], 'Input should be less than or equal to 10', n, {le: 10})
  }
  for (const [name, v] of Object.entries((body.check_retry_counts as Record<string, unknown> | null) ?? {})) {
    if (!(typeof v === 'number' && Number.isInteger(v)))
      i.add('int_type', ['body', 'check_retry_counts', name], 'Input should be a valid integer', v)
  }
  for (const [name, v] of Object.entries((body.custom_prompts as Record<string, unknown> | null) ?? {})) {
    if (typeof v !== 'string') i.add('string_type', ['body', 'custom_prompts', name], 'Input should be a valid string', v)
  }
  return body
}

const INTEGRATIONS = [
  {
    integration_type: 'github',
    active: true,
    token_id: null,
    installation_id: 5_551_234,
    metadata: {app_name: 'codegen-sh', account: 'acme'},
  },
  {integration_type: 'slack', active: true, token_id: 771, installation_id: null, metadata: {team_name: 'Acme Robotics'}},
  {integration_type: 'linear', active: true, token_id: 772, installation_id: null, metadata: {organization_name: 'acme'}},
  {integration_type: 'notion', active: false, token_id: null, installation_id: null, metadata: null},
  {integration_type: 'jira', active: false, token_id: null, installation_id: null, metadata: null},
  {integration_type: 'circleci', active: false, token_id: null, installation_id: null, metadata: null},
  {integration_type: 'postgresql', active: false, token_id: null, installation_id: null, metadata: null},
]

export const REST_ROUTES: Route[] = [
  prAgentsRoute('ban'),
  prAgentsRoute('unban'),
  prAgentsRoute('remove-from-pr'),
  {method: 'PATCH', template: '/v1/organizations/{org_id}/prs/{pr_id}', category: 'pr_edit', handle: (ctx) => editPr(ctx, false)},
  {
    method: 'PATCH',
    template: '/v1/organizations/{org_id}/repos/{repo_id}/prs/{pr_id}',
    category: 'pr_edit',
    handle: (ctx) => editPr(ctx, true),
  },
  {
    method: 'GET',
    template: '/v1/organizations/{org_id}/repos/check-suite-settings',
    category: 'standard',
    handle(ctx) {
      const r = checkSuiteRepo(ctx)
      if (isReply(r)) return r
      return ok(restState(ctx.state).checkSuite.get(r.repoId) ?? DEFAULT_CHECK_SUITE())
    },
  },
  {
    method: 'PUT',
    template: '/v1/organizations/{org_id}/repos/check-suite-settings',
    category: 'standard',
    handle(ctx) {
      const r = checkSuiteRepo(ctx, (i) => checkSuiteBody(i, ctx))
      if (isReply(r)) return r
      const rest = restState(ctx.state)
      const settings = {...(rest.checkSuite.get(r.repoId) ?? DEFAULT_CHECK_SUITE())}
      const body = r.value as Partial<CheckSuiteSettings>
      // null or absent: left as it is.
      for (const key of ['check_retry_count', 'ignored_checks', 'check_retry_counts', 'custom_prompts', 'high_priority_apps'] as const) {
        if (body[key] !== undefined && body[key] !== null) (settings as Record<string, unknown>)[key] = body[key]
      }
      rest.checkSuite.set(r.repoId, settings)
      return ok({success: true, message: 'Check suite settings updated.'})
    },
  },
  {
    method: 'GET',
    template: '/v1/organizations/{org_id}/integrations',
    category: 'standard',
    handle(ctx) {
      const r = scoped(ctx, () => undefined)
      if (isReply(r)) return r
      const org = ctx.state.orgs.find((o) => o.id === r.orgId)!
      return ok({
        organization_id: org.id,
        organization_name: org.name,
        integrations: INTEGRATIONS,
        total_active_integrations: INTEGRATIONS.filter((i) => i.active).length,
      })
    },
  },
  {
    method: 'GET',
    template: '/v1/oauth/tokens/status',
    category: 'standard',
    handle(ctx) {
      const issues = new Issues()
      const raw = last(ctx.query, 'org_id')
      const orgId = raw === null ? missingOrg(issues) : issues.int('query', 'org_id', raw)
      if (issues.list.length || orgId === undefined) return invalid(issues)
      if (!ctx.state.isMember(orgId)) return forbidden
      return ok(restState(ctx.state).oauthProviders)
    },
  },
  {
    method: 'POST',
    template: '/v1/organizations/{org_id}/setup-commands/generate',
    category: 'setup_commands',
    handle(ctx) {
      const r = scoped(ctx, (i) => checkBody(i, ctx.body, {repo_id: 'int', prompt: 'string', trigger_source: 'string'}, ['repo_id']))
      if (isReply(r)) return r
      const input = r.value as {repo_id: number; prompt?: string | null}
      const repo = ctx.state.repos(r.orgId).find((x) => x.id === input.repo_id)
      if (!repo) return repoNotFound
      const prompt = `Generate setup commands for ${repo.full_name}.${input.prompt ? `\n\n${input.prompt}` : ''}`
      const run = ctx.state.createRun(r.orgId, {prompt, repo_id: repo.id, metadata: {repo: repo.full_name}}, ctx.userId, ctx.now)
      run.source_type = 'SETUP_COMMANDS'
      return ok({agent_run_id: run.id, status: run.status ?? 'ACTIVE', url: run.web_url ?? ''})
    },
  },
]
const missingOrg = (i: Issues) => i.add('missing', ['query', 'org_id'], 'Field required', null)
