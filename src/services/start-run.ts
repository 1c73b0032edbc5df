import {randomUUID} from 'node:crypto'
import type {Flight} from '../api/client.js'
import {CodegenError, isCodegenError, usageError} from '../api/errors.js'
import type {AgentRun, CreateAgentRunInput} from '../api/schemas.js'
import type {ServiceContext} from './context.js'
import {checkImageDataUri} from './images.js'
import {checkRepoName, resolveRepo, resolveRepoId} from './repos.js'
import {isComplete, isTerminal} from './status.js'
import {renderPrompt, resolveTask} from './tasks.js'
import {checkText, NEW_RUN_LIMITS, parseApiId} from './validate.js'

// Starting paid work: create and resume. Everything the user gave is checked before the first
// request; nothing is sent once the caller has stopped wanting it; an answer that does not say what
// happened is reported as such (and looked into), never as a plain failure.

export const AGENT_TYPES = ['codegen', 'claude_code'] as const
export type AgentType = (typeof AGENT_TYPES)[number]

/** What `new` (CLI) and `codegenapi_new` (MCP) both ask for. */
export interface NewRunRequest {
  query: string
  repo?: string
  repoId?: number
  /** One of the task templates (TASK_TEMPLATES). */
  task?: string
  /** A task label of the user's own, instead of a template. */
  taskLabel?: string
  branch?: string
  pr?: number
  model?: string
  agentType?: string
  metadata?: Record<string, unknown>
  /** Data URIs: the CLI reads files into these, MCP clients send them. */
  images?: string[]
  parentRunId?: number
}

/**
 * Metadata keys this program writes or reads: user metadata may not set them, so that free-form text
 * can neither name another repository nor link the run to a parent that is then resumed.
 */
export const RESERVED_METADATA_KEYS = [
  'source',
  'repo',
  'repo_id',
  'repository',
  'repo_name',
  'repo_full_name',
  'full_name',
  'parent_run_id',
  'task',
  'branch',
  'pr',
  'client_request_id',
  // new --attempts N (GROUP_KEYS in domain/run.ts): which group a run is an attempt of.
  'attempt_group',
  'attempt',
  'attempts',
] as const

/** Everything checked and resolved, nothing sent. */
export interface PreparedRun {
  body: CreateAgentRunInput & {metadata: Record<string, unknown>}
  repo?: {id: number; full_name: string}
  parentRunId?: number
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
  /** Set when the create's answer was lost and the run was found by its client request id: why. */
  recoveredFrom?: string
}

export interface StartOptions<T> {
  /**
   * The caller no longer wants it (an MCP deadline or cancellation, Ctrl-C). While the request waits
   * (checks, rate limiter, backoff) it is then never sent. Once it is on the wire it is not cut off:
   * the call rejects at once with `maybe_created` / `maybe_resumed`, and `late` gets the outcome.
   */
  signal?: AbortSignal
  /** Cuts the request even on the wire (a second Ctrl-C): the outcome is then unknown. */
  cut?: AbortSignal
  /** The outcome of a request still on the wire when `signal` stopped the call: record the run when it comes. */
  late?: (outcome: Promise<T>) => void
}

/** Checks every input and resolves the repository and parent; sends no write request. */
export async function prepareRun(ctx: ServiceContext, req: NewRunRequest, signal?: AbortSignal): Promise<PreparedRun> {
  const L = NEW_RUN_LIMITS
  if (req.repo !== undefined && req.repoId !== undefined) throw usageError('Give either a repository name or a repo id, not both.')
  const task = resolveTask(req)
  const repoName = req.repo !== undefined ? checkRepoName(checkText(req.repo, 'The repository name', L.repo)) : undefined
  const repoId = req.repoId !== undefined ? parseApiId(req.repoId, 'The repo id') : undefined
  if (req.agentType !== undefined && !(AGENT_TYPES as readonly string[]).includes(req.agentType)) {
    throw usageError(`Unknown agent type ${JSON.stringify(req.agentType)}: use ${AGENT_TYPES.join(' or ')}.`)
  }
  const branch = req.branch !== undefined ? checkText(req.branch, 'The branch name', L.branch) : undefined
  const model = req.model !== undefined ? checkText(req.model, 'The model name', L.model) : undefined
  const pr = req.pr !== undefined ? parseApiId(req.pr, 'The pull request number') : undefined
  const metadata = checkMetadata(req.metadata)
  const images = req.images?.map((uri, i) => checkImageDataUri(uri, i))
  const parentRunId = explicitParent(ctx, req)
  // The prompt is checked before any lookup, so a bad prompt costs no request.
  renderPrompt({query: req.query, task, repo: repoName, branch, pr})
  ctx.orgId()
  ctx.client()

  const repo = repoName ? await resolveRepo(ctx, repoName) : repoId !== undefined ? await resolveRepoId(ctx, repoId) : undefined
  if (parentRunId !== undefined) await checkParent(ctx, parentRunId, signal)
  const prompt = renderPrompt({query: req.query, task, repo: repo?.full_name, branch, pr})
  return {
    body: {
      prompt,
      repo_id: repo?.id ?? null,
      metadata: {
        ...metadata,
        source: 'codegenapi',
        ...(repo ? {repo: repo.full_name, repo_id: repo.id} : {}),
        ...(task ? {task} : {}),
        ...(branch ? {branch} : {}),
        ...(pr !== undefined ? {pr} : {}),
        ...(parentRunId !== undefined ? {parent_run_id: parentRunId} : {}),
      },
      ...(images?.length ? {images} : {}),
      ...(model ? {model} : {}),
      ...(req.agentType ? {agent_type: req.agentType as AgentType} : {}),
    },
    repo,
    parentRunId,
  }
}

function checkMetadata(metadata: Record<string, unknown> | undefined): Record<string, string> {
  const L = NEW_RUN_LIMITS
  const out: Record<string, string> = {}
  const entries = Object.entries(metadata ?? {})
  if (entries.length > L.metadataEntries) throw usageError(`Metadata has ${entries.length} keys; the limit is ${L.metadataEntries}.`)
  for (const [rawKey, value] of entries) {
    const key = checkText(rawKey, 'A metadata key', L.metadataKey)
    if ((RESERVED_METADATA_KEYS as readonly string[]).includes(key.toLowerCase())) {
      throw usageError(
        `The metadata key ${JSON.stringify(key)} is reserved: this program sets it from the request.`,
        `Reserved keys: ${RESERVED_METADATA_KEYS.join(', ')}. The repository, task, branch, PR and parent have their own options.`,
      )
    }
    if (typeof value !== 'string') throw usageError(`The metadata value of ${JSON.stringify(key)} must be a string.`)
    if (value.length > L.metadataValue) {
      throw usageError(`The metadata value of ${JSON.stringify(key)} is ${value.length} characters; the limit is ${L.metadataValue}.`)
    }
    out[key] = value
  }
  return out
}

/**
 * The parent comes only from the explicit option, else CODEGEN_PARENT_RUN_ID (an agent that is itself
 * a Codegen run sees its id there): never from free-form metadata.
 */
function explicitParent(ctx: ServiceContext, req: NewRunRequest): number | undefined {
  if (req.parentRunId !== undefined) return parseApiId(req.parentRunId, 'The parent run id')
  const env = ctx.env.CODEGEN_PARENT_RUN_ID
  return env !== undefined && env.trim() !== '' ? parseApiId(env, 'CODEGEN_PARENT_RUN_ID') : undefined
}

/** A parent that cannot be read would never get its report: refuse it before the child is paid for. */
async function checkParent(ctx: ServiceContext, parentRunId: number, signal?: AbortSignal): Promise<void> {
  try {
    await ctx.client().run(ctx.orgId(), parentRunId, signal)
  } catch (error) {
    if (isCodegenError(error) && error.kind === 'not_found') {
      throw new CodegenError(
        'not_found',
        `Parent agent run ${parentRunId} was not found in organization ${ctx.orgId()}: nothing was created.`,
      )
    }
    throw error
  }
}

export async function createRun(ctx: ServiceContext, req: NewRunRequest, opts: StartOptions<CreatedRun> = {}): Promise<CreatedRun> {
  return createPrepared(ctx, await prepareRun(ctx, req, opts.signal), opts)
}

/**
 * Sends one create for a run `prepareRun` checked, with a client request id of its own. Each call is
 * one paid run at most: it is never sent again, whatever the outcome.
 */
export async function createPrepared(ctx: ServiceContext, prepared: PreparedRun, opts: StartOptions<CreatedRun> = {}): Promise<CreatedRun> {
  // The API has no idempotency keys: this tag is how a run whose answer was lost is found again.
  const clientRequestId = randomUUID()
  const body = {...prepared.body, metadata: {...prepared.body.metadata, client_request_id: clientRequestId}}
  const flight: Flight = {sending: false}
  let lookingUp = false
  const base = {repo: prepared.repo, parentRunId: prepared.parentRunId, clientRequestId}
  const unknown = (message: string, detail?: string) =>
    new CodegenError('maybe_created', message, {detail, next: {kind: 'check_created', clientRequestId}})

  const outcome = (async (): Promise<CreatedRun> => {
    try {
      const run = await ctx.client().createRun(ctx.orgId(), body, {signal: opts.signal, cut: opts.cut, flight})
      return {run, ...base}
    } catch (error) {
      if (!isCodegenError(error) || error.kind !== 'maybe_created') throw error
      // Cut off on purpose (a second Ctrl-C): the caller wants out now, not a lookup.
      if (opts.cut?.aborted) throw unknown(error.message, error.detail)
      lookingUp = true
      const found = await findCreatedRun(ctx, clientRequestId).catch(() => undefined)
      if (found) return {run: found, ...base, recoveredFrom: error.message}
      throw unknown(`${error.message} No run with its client request id is among the newest runs yet.`, error.detail)
    }
  })()
  return detachOnStop(
    outcome,
    opts,
    () => flight.sending || lookingUp,
    () => unknown('Stopped waiting after the request to create the run was sent: the agent run may have been created.'),
  )
}

/** Newest runs read when looking for a run whose create answer was lost. */
const LOOKUP_PAGES = 3
const LOOKUP_PAGE_SIZE = 50

/** The run tagged with this client request id, among the newest few pages of runs. */
export async function findCreatedRun(ctx: ServiceContext, clientRequestId: string): Promise<AgentRun | undefined> {
  const client = ctx.client()
  const orgId = ctx.orgId()
  for (let page = 0; page < LOOKUP_PAGES; page++) {
    const {items} = await client.runs(orgId, {skip: page * LOOKUP_PAGE_SIZE, limit: LOOKUP_PAGE_SIZE})
    const found = items.find((r) => r.metadata?.client_request_id === clientRequestId)
    if (found) return found
    if (items.length < LOOKUP_PAGE_SIZE) return undefined
  }
  return undefined
}

export interface ResumeRequest {
  runId: number
  query: string
  task?: string
  taskLabel?: string
  images?: string[]
}

/** Resumes only a COMPLETE run: anything else is refused before a request is sent to resume. */
export async function resumeRun(ctx: ServiceContext, req: ResumeRequest, opts: StartOptions<AgentRun> = {}): Promise<AgentRun> {
  const runId = parseApiId(req.runId, 'The agent run id')
  const task = resolveTask(req)
  const prompt = renderPrompt({query: req.query, task})
  const images = req.images?.map((uri, i) => checkImageDataUri(uri, i))
  const run = await ctx.client().run(ctx.orgId(), runId, opts.signal)
  if (!isComplete(run.status)) throw notResumable(run)
  const flight: Flight = {sending: false}
  const outcome = (async () => {
    try {
      return await ctx
        .client()
        .resumeRun(
          ctx.orgId(),
          {agent_run_id: runId, prompt, ...(images?.length ? {images} : {})},
          {signal: opts.signal, cut: opts.cut, flight},
        )
    } catch (error) {
      if (isCodegenError(error) && error.kind === 'maybe_resumed') {
        throw new CodegenError('maybe_resumed', error.message, {detail: error.detail, next: {kind: 'check_resumed', runId}})
      }
      throw error
    }
  })()
  return detachOnStop(
    outcome,
    opts,
    () => flight.sending,
    () =>
      new CodegenError(
        'maybe_resumed',
        `Stopped waiting after the request to resume agent run ${runId} was sent: it may have been resumed.`,
        {
          next: {kind: 'check_resumed', runId},
        },
      ),
  )
}

function notResumable(run: AgentRun): CodegenError {
  const status = run.status ?? 'unknown'
  const message = `Agent run ${run.id} is ${status}; only a COMPLETE run can be resumed.`
  return isTerminal(run.status)
    ? new CodegenError('conflict', message, {next: {kind: 'start_new'}})
    : new CodegenError('conflict', message, {next: {kind: 'wait_for_run', runId: run.id}})
}

/**
 * The outcome, unless the caller stops while the request is on the wire (or its run is being looked
 * for): then it rejects at once with `stopped()`, and `late` gets the outcome still to come. A stop
 * while the request still waits needs nothing here: the client then never sends it.
 */
export function detachOnStop<T>(
  outcome: Promise<T>,
  opts: StartOptions<T>,
  onWire: () => boolean,
  stopped: () => CodegenError,
): Promise<T> {
  const {signal} = opts
  if (!signal) return outcome
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      if (!onWire()) return
      opts.late?.(outcome)
      outcome.catch(() => undefined)
      reject(stopped())
    }
    signal.addEventListener('abort', onAbort, {once: true})
    outcome.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
