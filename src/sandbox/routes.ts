// The endpoints the fake implements, each answering exactly as the contract describes.
import {checkBody, Issues, last, type parseJsonBody} from './params.js'
import type {RateCategory} from './rate-limit.js'
import type {FakeState} from './state.js'
import {REST_ROUTES} from './routes-rest.js'
import type {AgentRun, FakeRun} from './types.js'

export interface RequestContext {
  state: FakeState
  params: Record<string, string>
  query: URLSearchParams
  body: ReturnType<typeof parseJsonBody>
  /** The token's user. */
  userId: number
  now: number
}

export interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH'
  template: string
  category: RateCategory
  handle(ctx: RequestContext): Reply
}

const ok = (body: unknown): Reply => ({status: 200, body})
export const invalid = (issues: Issues): Reply => ({status: 422, body: {detail: issues.list}})
export const forbidden: Reply = {status: 403, body: {message: 'You do not have access to this organization.', status_code: 403}}
const runNotFound: Reply = {status: 404, body: {message: 'Agent run not found.', status_code: 404}}

export function page<T>(all: T[], skip: number, limit: number): {items: T[]; total: number; page: number; size: number; pages: number} {
  return {
    items: all.slice(skip, skip + limit),
    total: all.length,
    page: Math.floor(skip / limit) + 1,
    size: limit,
    pages: Math.ceil(all.length / limit),
  }
}

/** The wire fields only: the fake's bookkeeping (creator_id) stays inside. */
export function toWire(run: FakeRun): AgentRun {
  const {id, organization_id, status, created_at, web_url, result, summary, source_type, github_pull_requests, metadata} = run
  return {id, organization_id, status, created_at, web_url, result, summary, source_type, github_pull_requests, metadata}
}

/** Org id from the path plus whatever else `more` validates; a 422 or 403 reply when they fail. */
export function orgScoped<T>(ctx: RequestContext, more: (issues: Issues) => T): {orgId: number; value: T} | Reply {
  const issues = new Issues()
  const orgId = issues.int('path', 'org_id', ctx.params.org_id)
  const value = more(issues)
  if (issues.list.length || orgId === undefined) return invalid(issues)
  if (!ctx.state.isMember(orgId)) return forbidden
  return {orgId, value}
}
export const isReply = (x: object): x is Reply => 'status' in x

function nonEmptyPrompt(issues: Issues, body: Record<string, unknown> | undefined): void {
  if (body && typeof body.prompt === 'string' && body.prompt.trim() === '') {
    issues.add('string_too_short', ['body', 'prompt'], 'String should have at least 1 character', body.prompt, {min_length: 1})
  }
}

export const ROUTES: Route[] = [
  {
    method: 'GET',
    template: '/v1/users/me',
    category: 'standard',
    handle: (ctx) => ok(ctx.state.me()),
  },
  {
    method: 'GET',
    template: '/v1/organizations',
    category: 'standard',
    handle(ctx) {
      const issues = new Issues()
      const paging = issues.paging(ctx.query)
      if (!paging) return invalid(issues)
      return ok(page(ctx.state.orgs, paging.skip, paging.limit))
    },
  },
  {
    method: 'GET',
    template: '/v1/organizations/{org_id}/users',
    category: 'standard',
    handle(ctx) {
      const r = orgScoped(ctx, (i) => i.paging(ctx.query))
      if (isReply(r)) return r
      return ok(page(ctx.state.users(r.orgId), r.value!.skip, r.value!.limit))
    },
  },
  {
    method: 'GET',
    template: '/v1/organizations/{org_id}/users/{user_id}',
    category: 'standard',
    handle(ctx) {
      const r = orgScoped(ctx, (i) => i.int('path', 'user_id', ctx.params.user_id))
      if (isReply(r)) return r
      const user = ctx.state.users(r.orgId).find((u) => u.id === r.value)
      return user ? ok(user) : {status: 404, body: {message: 'User not found.', status_code: 404}}
    },
  },
  {
    method: 'GET',
    template: '/v1/organizations/{org_id}/repos',
    category: 'standard',
    handle(ctx) {
      const r = orgScoped(ctx, (i) => i.paging(ctx.query))
      if (isReply(r)) return r
      return ok(page(ctx.state.repos(r.orgId), r.value!.skip, r.value!.limit))
    },
  },
  {
    method: 'POST',
    template: '/v1/organizations/{org_id}/agent/run',
    category: 'create',
    handle(ctx) {
      const r = orgScoped(ctx, (i) => {
        const body = checkBody(
          i,
          ctx.body,
          {
            prompt: 'string',
            images: 'string[]',
            metadata: 'object',
            repo_id: 'int',
            model: 'string',
            agent_type: {enum: ['codegen', 'claude_code']},
          },
          ['prompt'],
        )
        nonEmptyPrompt(i, body)
        return body
      })
      if (isReply(r)) return r
      const input = r.value as {prompt: string; repo_id?: number | null; metadata?: Record<string, unknown> | null}
      if (input.repo_id != null && !ctx.state.repos(r.orgId).some((repo) => repo.id === input.repo_id)) {
        return {status: 404, body: {message: 'No repos found in the organization. Please add some repos and try again.', status_code: 404}}
      }
      return ok(toWire(ctx.state.createRun(r.orgId, input, ctx.userId, ctx.now)))
    },
  },
  {
    method: 'POST',
    template: '/v1/organizations/{org_id}/agent/run/resume',
    category: 'standard',
    handle(ctx) {
      const r = orgScoped(ctx, (i) => {
        const body = checkBody(i, ctx.body, {agent_run_id: 'int', prompt: 'string', images: 'string[]'}, ['agent_run_id', 'prompt'])
        nonEmptyPrompt(i, body)
        return body
      })
      if (isReply(r)) return r
      const input = r.value as {agent_run_id: number; prompt: string}
      const run = ctx.state.findRun(input.agent_run_id)
      if (!run || run.organization_id !== r.orgId) return runNotFound
      return ok(toWire(ctx.state.resumeRun(run, input.prompt, ctx.now)))
    },
  },
  {
    method: 'GET',
    template: '/v1/organizations/{org_id}/agent/run/{agent_run_id}',
    category: 'standard',
    handle(ctx) {
      const r = orgScoped(ctx, (i) => i.int('path', 'agent_run_id', ctx.params.agent_run_id))
      if (isReply(r)) return r
      const run = ctx.state.pollRun(r.orgId, r.value!, ctx.now)
      return run ? ok(toWire(run)) : runNotFound
    },
  },
  {
    method: 'GET',
    template: '/v1/organizations/{org_id}/agent/runs',
    category: 'standard',
    handle(ctx) {
      const r = orgScoped(ctx, (i) => ({
        userId: i.int('query', 'user_id', last(ctx.query, 'user_id')),
        sourceType: i.sourceType(last(ctx.query, 'source_type')),
        paging: i.paging(ctx.query),
      }))
      if (isReply(r)) return r
      const {userId, sourceType, paging} = r.value
      // Kept newest first by the state, as the API orders them.
      const runs = ctx.state
        .allRuns(ctx.now)
        .filter(
          (run) =>
            run.organization_id === r.orgId &&
            (userId === undefined || run.creator_id === userId) &&
            (sourceType === undefined || run.source_type === sourceType),
        )
      const p = page(runs, paging!.skip, paging!.limit)
      return ok({...p, items: p.items.map(toWire)})
    },
  },
  {
    method: 'GET',
    template: '/v1/alpha/organizations/{org_id}/agent/run/{agent_run_id}/logs',
    category: 'logs',
    handle(ctx) {
      const r = orgScoped(ctx, (i) => ({
        runId: i.int('path', 'agent_run_id', ctx.params.agent_run_id),
        paging: i.paging(ctx.query),
        reverse: i.bool('reverse', last(ctx.query, 'reverse'), false),
      }))
      if (isReply(r)) return r
      const {runId, paging, reverse} = r.value
      const run = ctx.state.pollRun(r.orgId, runId!, ctx.now)
      if (!run) return runNotFound
      const logs = ctx.state.logsOf(run)
      const ordered = reverse ? [...logs].reverse() : logs
      const p = page(ordered, paging!.skip, paging!.limit)
      const {id, organization_id, status, created_at, web_url, result, metadata} = run
      return ok({
        id,
        organization_id,
        status,
        created_at,
        web_url,
        result,
        metadata,
        logs: p.items,
        total_logs: p.total,
        page: p.page,
        size: p.size,
        pages: p.pages,
      })
    },
  },
  ...REST_ROUTES,
]
