import {randomUUID} from 'node:crypto'
import {CodegenError, usageError} from '../api/errors.js'
import {sleep} from '../api/rate-limiter.js'
import {type AgentRun, type AgentRunLog, type AgentRunWithLogs, type CreateAgentRunInput} from '../api/schemas.js'
import type {ServiceContext} from './context.js'
import {checkImageDataUri} from './images.js'
import {paged, API_MAX_PAGE} from './paging.js'
import {checkRepoName, resolveRepo} from './repos.js'
import {isComplete, isTerminal, normaliseStatus} from './status.js'
import {normaliseTask, renderPrompt} from './tasks.js'
import {parsePositiveInt} from './validate.js'

export const AGENT_TYPES = ['codegen', 'claude_code'] as const
export type AgentType = (typeof AGENT_TYPES)[number]

/** What `new` (CLI) and `codegenapi_new` (MCP) both ask for. */
export interface NewRunRequest {
  query: string
  repo?: string
  repoId?: number
  task?: string
  branch?: string
  pr?: number
  model?: string
  agentType?: string
  metadata?: Record<string, unknown>
  /** Data URIs: the CLI reads files into these, MCP clients send them. */
  images?: string[]
  parentRunId?: number
}

/** Everything checked and resolved, nothing sent: the body `createRun` will POST. */
export async function prepareRun(ctx: ServiceContext, req: NewRunRequest): Promise<CreateAgentRunInput> {
  if (req.repo && req.repoId !== undefined) throw usageError('Give either a repository name or a repo id, not both.')
  const task = req.task ? normaliseTask(req.task) : undefined
  const repoName = req.repo ? checkRepoName(req.repo) : undefined
  if (req.agentType !== undefined && !(AGENT_TYPES as readonly string[]).includes(req.agentType)) {
    throw usageError(`Unknown agent type ${JSON.stringify(req.agentType)}: use ${AGENT_TYPES.join(' or ')}.`)
  }
  if (req.branch !== undefined && !req.branch.trim()) throw usageError('The branch name is empty.')
  const images = req.images?.map((uri, i) => checkImageDataUri(uri, i))
  // An agent that is itself a Codegen run sees its id here: what it starts reports back to it.
  const parentRunId =
    req.parentRunId ??
    (ctx.env.CODEGEN_PARENT_RUN_ID ? parsePositiveInt(ctx.env.CODEGEN_PARENT_RUN_ID, 'CODEGEN_PARENT_RUN_ID') : undefined)
  // The prompt is checked before the repository lookup, so a bad prompt costs no request.
  renderPrompt({query: req.query, task, repo: repoName, branch: req.branch, pr: req.pr})
  ctx.orgId()
  ctx.client()

  const repo = repoName ? await resolveRepo(ctx, repoName) : undefined
  const prompt = renderPrompt({query: req.query, task, repo: repo?.full_name, branch: req.branch, pr: req.pr})
  const metadata: Record<string, unknown> = {
    ...req.metadata,
    source: 'codegenapi',
    ...(repo ? {repo: repo.full_name} : {}),
    ...(req.repoId !== undefined ? {repo_id: req.repoId} : {}),
    ...(task ? {task} : {}),
    ...(req.branch ? {branch: req.branch} : {}),
    ...(req.pr !== undefined ? {pr: req.pr} : {}),
    ...(parentRunId !== undefined ? {parent_run_id: parentRunId} : {}),
  }
  return {
    prompt,
    repo_id: repo?.id ?? req.repoId ?? null,
    metadata,
    ...(images?.length ? {images} : {}),
    ...(req.model ? {model: req.model} : {}),
    ...(req.agentType ? {agent_type: req.agentType as AgentType} : {}),
  }
}

/** What a create returns: the run, and what was resolved and sent to make it. */
export interface CreatedRun {
  run: AgentRun
  /** The repository the run was created on, resolved before sending (from --repo or --repo-id). */
  repo?: {id: number; full_name: string}
  /** The parent given explicitly (--parent / parent_run_id / CODEGEN_PARENT_RUN_ID), already checked. */
  parentRunId?: number
  /** The id sent in metadata.client_request_id, to find the run after an unknown outcome. */
  clientRequestId: string
}

export async function createRun(ctx: ServiceContext, req: NewRunRequest, opts: {signal?: AbortSignal} = {}): Promise<CreatedRun> {
  const body = await prepareRun(ctx, req)
  const clientRequestId = randomUUID()
  const meta: Record<string, unknown> = {...body.metadata, client_request_id: clientRequestId}
  const run = await ctx.client().createRun(ctx.orgId(), {...body, metadata: meta}, opts.signal)
  const repo = typeof meta.repo === 'string' && body.repo_id ? {id: body.repo_id, full_name: meta.repo} : undefined
  const parentRunId = typeof meta.parent_run_id === 'number' ? meta.parent_run_id : undefined
  return {run, repo, parentRunId, clientRequestId}
}

export function getRun(ctx: ServiceContext, runId: number, signal?: AbortSignal): Promise<AgentRun> {
  return ctx.client().run(ctx.orgId(), runId, signal)
}

export interface ResumeRequest {
  runId: number
  query: string
  task?: string
  images?: string[]
}

/** Resumes only a COMPLETE run: anything else is refused before a request is sent to resume. */
export async function resumeRun(ctx: ServiceContext, req: ResumeRequest, opts: {signal?: AbortSignal} = {}): Promise<AgentRun> {
  const task = req.task ? normaliseTask(req.task) : undefined
  const prompt = renderPrompt({query: req.query, task})
  const images = req.images?.map((uri, i) => checkImageDataUri(uri, i))
  const run = await getRun(ctx, req.runId, opts.signal)
  if (!isComplete(run.status)) throw notResumable(run)
  return ctx.client().resumeRun(ctx.orgId(), {agent_run_id: req.runId, prompt, ...(images?.length ? {images} : {})}, opts.signal)
}

function notResumable(run: AgentRun): CodegenError {
  const status = run.status ?? 'unknown'
  const hint = isTerminal(run.status)
    ? `A ${normaliseStatus(status)} run cannot be resumed: start a new one with \`codegenapi new\`.`
    : `Wait for it to finish (\`codegenapi get ${run.id} --wait\`), then resume it.`
  return new CodegenError('conflict', `Agent run ${run.id} is ${status}; only a COMPLETE run can be resumed.`, {hint})
}

// --- logs -------------------------------------------------------------------------------------

export interface LogsRequest {
  skip?: number
  limit?: number
  reverse?: boolean
}

/** One page of logs (at most 100), with the run's status: what MCP returns. */
export function getLogsPage(ctx: ServiceContext, runId: number, req: LogsRequest = {}): Promise<AgentRunWithLogs> {
  return ctx
    .client()
    .logs(ctx.orgId(), runId, {skip: req.skip, limit: Math.min(API_MAX_PAGE, req.limit ?? API_MAX_PAGE), reverse: req.reverse})
}

/** Every log entry from `skip`, page by page: `logs --limit 5000` prints as it goes. */
export async function* iterateLogs(
  ctx: ServiceContext,
  runId: number,
  req: LogsRequest & {onPage?: (page: AgentRunWithLogs) => void} = {},
): AsyncGenerator<AgentRunLog> {
  const client = ctx.client()
  const orgId = ctx.orgId()
  const source = paged(
    async (skip, limit) => {
      const page = await client.logs(orgId, runId, {skip, limit, reverse: req.reverse})
      req.onPage?.(page)
      return {
        items: page.logs,
        total: page.total_logs ?? Number.MAX_SAFE_INTEGER,
        page: page.page ?? 0,
        size: page.size ?? limit,
        pages: page.pages ?? 0,
      }
    },
    {skip: req.skip, pageSize: req.limit},
  )
  let n = 0
  for await (const entry of source) {
    yield entry
    if (req.limit !== undefined && ++n >= req.limit) return
  }
}

/**
 * Polls for new log entries until the run is terminal, handing each batch to `onEntries`.
 * Returns the last page read (the run's final status, without its entries).
 */
export async function followLogs(
  ctx: ServiceContext,
  runId: number,
  opts: {skip?: number; intervalMs?: number; signal?: AbortSignal; onEntries: (entries: AgentRunLog[]) => void},
): Promise<AgentRunWithLogs> {
  const client = ctx.client()
  const orgId = ctx.orgId()
  let seen = opts.skip ?? 0
  for (;;) {
    const page = await client.logs(orgId, runId, {skip: seen, limit: API_MAX_PAGE}, opts.signal)
    if (page.logs.length > 0) {
      opts.onEntries(page.logs)
      seen += page.logs.length
      if (page.logs.length === API_MAX_PAGE) continue
    }
    if (isTerminal(page.status)) return {...page, logs: []}
    await sleep(opts.intervalMs ?? 2000, opts.signal)
  }
}

// --- waiting ----------------------------------------------------------------------------------

export interface WaitOptions {
  timeoutMs: number
  signal?: AbortSignal
  /** Called with every fetched state, so a spinner or MCP progress can follow along. */
  onPoll?: (run: AgentRun, elapsedMs: number) => void
  initialIntervalMs?: number
  maxIntervalMs?: number
}

/** Polls one run until it is terminal or time runs out; never throws on timeout, it says so. */
export async function waitForRun(ctx: ServiceContext, runId: number, opts: WaitOptions): Promise<{run: AgentRun; timedOut: boolean}> {
  const started = Date.now()
  const deadline = started + opts.timeoutMs
  let interval = opts.initialIntervalMs ?? Number(ctx.env.CODEGENAPI_POLL_MS ?? 2000)
  const maxInterval = opts.maxIntervalMs ?? Math.max(interval, 10_000)
  for (;;) {
    const run = await getRun(ctx, runId, opts.signal)
    opts.onPoll?.(run, Date.now() - started)
    if (isTerminal(run.status)) return {run, timedOut: false}
    const left = deadline - Date.now()
    if (left <= 0) return {run, timedOut: true}
    await sleep(Math.min(interval, left), opts.signal)
    interval = Math.min(maxInterval, Math.round(interval * 1.5))
  }
}
