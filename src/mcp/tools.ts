import {z} from 'zod'
import {usageError} from '../api/errors.js'
import {ConfigService} from '../services/config.js'
import type {ServiceContext} from '../services/context.js'
import type {RunMonitor} from '../services/monitor.js'
import {listOrganizations} from '../services/orgs.js'
import {AGENT_TYPES, createRun, getLogsPage, getRun, listRuns, resumeRun, type NewRunRequest} from '../services/runs.js'
import type {RunRecord} from '../services/state.js'
import {isComplete, isTerminal} from '../services/status.js'
import {MAX_PROMPT_CHARS} from '../services/tasks.js'
import {getCurrentUser, getUser, listUsers} from '../services/users.js'
import * as S from './shapes.js'

// The tools: one small definition each (name, description, input and output shapes, annotations)
// over a service call. No SDK here: src/mcp/sdk.ts registers them.

/** What a tool handler gets besides its arguments. */
export interface ToolContext {
  /** A service context with the configuration as it is now (a token set meanwhile is used). */
  context(): Promise<ServiceContext>
  monitor: RunMonitor
  /** Aborted when the client cancels the call or its deadline passes. */
  signal: AbortSignal
  /** When the answer is due (ms since epoch): hosts drop calls that take too long. */
  deadline: number
  /** notifications/progress, when the client asked for them (a no-op otherwise). */
  progress(progress: number, total: number | undefined, message: string): void
  env: NodeJS.ProcessEnv
}

export interface ToolAnnotations {
  title: string
  readOnlyHint: boolean
  destructiveHint?: boolean
  idempotentHint?: boolean
  openWorldHint: boolean
}

export interface ToolOutcome<T> {
  data: T
  /** The short text block every result carries (not every host reads structuredContent). */
  text: string
}

type Infer<S extends z.ZodRawShape> = z.output<z.ZodObject<S>>

export interface ToolDef<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  name: string
  description: string
  input: I
  output: O
  annotations: ToolAnnotations
  run(args: Infer<I>, tc: ToolContext): Promise<ToolOutcome<Infer<O>>>
}

/**
 * A tool that runs as an MCP task (execution.taskSupport "required"): `start` begins the work and
 * returns the run to follow; the task completes with `finish` once the monitor sees the run end.
 */
export interface TaskToolDef<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  name: string
  description: string
  input: I
  output: O
  annotations: ToolAnnotations
  start(args: Infer<I>, tc: ToolContext): Promise<RunRecord>
  finish(record: RunRecord): ToolOutcome<Infer<O>> & {ok: boolean}
}

const tool = <I extends z.ZodRawShape, O extends z.ZodRawShape>(def: ToolDef<I, O>): ToolDef => def as unknown as ToolDef
const taskTool = <I extends z.ZodRawShape, O extends z.ZodRawShape>(def: TaskToolDef<I, O>): TaskToolDef => def as unknown as TaskToolDef

const READ = {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true}
const START = {readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true}

// --- shared inputs -------------------------------------------------------------------------------

const agentRunId = S.idArg('agent_run_id', 'Agent run id (an integer, e.g. 11745).')

const images = z
  .array(z.string().max(14_000_000))
  .max(5)
  .optional()
  .describe('Images for the agent, as base64 data URIs (data:image/png;base64,...): PNG, JPEG, GIF or WebP, 10 MB each at most.')

const taskLabel = z
  .string()
  .max(40)
  .optional()
  .describe('A task label that adds its instructions to the prompt: CREATE_PLAN, ANALYZE, IMPLEMENT, FIX, REVIEW, TEST or DOCUMENT (or another upper-case label).')

const newRunInput = {
  query: z.string().min(1).max(MAX_PROMPT_CHARS).describe('What the agent should do: the prompt, in plain language.'),
  repo: z.string().max(200).optional().describe('Repository as OWNER/NAME; resolved to its id (close matches are suggested when unknown). Leave out to use the organization default.'),
  repo_id: S.intArg(1, S.MAX_ID, 'repo_id').optional().describe('Repository id, instead of repo.'),
  task: taskLabel,
  branch: z.string().max(250).optional().describe('Branch the agent should work on.'),
  pr: S.intArg(1, S.MAX_ID, 'pr').optional().describe('Pull request number the run is about.'),
  model: z.string().max(100).optional().describe('Model to use, when not the organization default.'),
  agent_type: z.enum(AGENT_TYPES).optional().describe('Agent implementation: codegen (default) or claude_code.'),
  metadata: z.record(z.string().max(100), z.string().max(1000)).optional().describe('Extra key/value strings stored with the run.'),
  images,
  parent_run_id: S.intArg(1, S.MAX_ID, 'parent_run_id').optional().describe('A parent agent run: when this run finishes, the parent is resumed with a short report (default: CODEGEN_PARENT_RUN_ID).'),
}

function newRunRequest(args: Infer<typeof newRunInput>): NewRunRequest {
  return {
    query: args.query,
    repo: args.repo,
    repoId: args.repo_id,
    task: args.task,
    branch: args.branch,
    pr: args.pr,
    model: args.model,
    agentType: args.agent_type,
    metadata: args.metadata,
    images: args.images,
    parentRunId: args.parent_run_id,
  }
}

const startedOutput = {...S.RunOut.shape, watching: z.boolean().describe('True while the server watches the run for you.')}

function startedText(run: S.RunOutT, verb: string): string {
  if (run.finished) return S.runText(run, `${verb} agent run ${run.id}; it is already ${run.status}.`)
  return [
    `${verb} agent run ${run.id} (${run.status})${run.web_url ? `: ${run.web_url}` : ''}.`,
    `The server watches it. Call codegenapi_wait_for_agent_run with agent_run_id ${run.id} to wait (up to 45 s a call), or subscribe to ${run.resource_uri}; then read the result with codegenapi_get_agent_run.`,
  ].join('\n')
}

// --- the tools -----------------------------------------------------------------------------------

export const TOOLS: ToolDef[] = [
  tool({
    name: 'codegenapi_get_users',
    description: 'List the users of the configured Codegen organization (id, GitHub username, name, role). Use it to find a user id for codegenapi_list or codegenapi_get_user.',
    input: {
      limit: S.intArg(1, 100, 'limit').optional().default(20).describe('How many users to return (1-100, default 20).'),
      skip: S.intArg(0, 1_000_000, 'skip').optional().default(0).describe('How many users to skip, for the next page (default 0).'),
    },
    output: {users: z.array(S.UserOut), count: z.number().int().min(0).max(100), skip: z.number().int().min(0).max(1_000_000)},
    annotations: {title: 'List organization users', ...READ},
    async run({limit, skip}, tc) {
      const users = (await listUsers(await tc.context(), {skip, limit})).map(S.userOut)
      const text = users.length ? `${users.length} user(s):\n${users.map(S.userText).join('\n')}` : 'No users on this page.'
      return {data: {users, count: users.length, skip}, text}
    },
  }),

  tool({
    name: 'codegenapi_get_user',
    description: 'Get one user of the configured organization by user id.',
    input: {user_id: S.idArg('user_id', 'User id (an integer).')},
    output: S.UserOut.shape,
    annotations: {title: 'Get a user', ...READ},
    async run({user_id}, tc) {
      const user = S.userOut(await getUser(await tc.context(), user_id))
      return {data: user, text: S.userText(user)}
    },
  }),

  tool({
    name: 'codegenapi_get_current_user',
    description: 'Show who the configured API token belongs to. Use it to check that the token works, or to find your own user id.',
    input: {},
    output: S.UserOut.shape,
    annotations: {title: 'Get the current user', ...READ},
    async run(_args, tc) {
      const user = S.userOut(await getCurrentUser(await tc.context()))
      return {data: user, text: `Authenticated as ${S.userText(user)}`}
    },
  }),

  tool({
    name: 'codegenapi_get_organizations',
    description: 'List the Codegen organizations the API token can use (id and name). Use it to find the organization id to configure with codegenapi_config (key org-id).',
    input: {limit: S.intArg(1, 100, 'limit').optional().default(50).describe('How many organizations to return (1-100, default 50).')},
    output: {organizations: z.array(S.OrganizationOut), count: z.number().int().min(0).max(100)},
    annotations: {title: 'List organizations', ...READ},
    async run({limit}, tc) {
      const organizations = (await listOrganizations(await tc.context(), limit)).map(S.organizationOut)
      const text = organizations.length ? organizations.map((o) => `${o.id} ${o.name}`).join('\n') : 'The token gives access to no organization.'
      return {data: {organizations, count: organizations.length}, text}
    },
  }),

  tool({
    name: 'codegenapi_new',
    description:
      'Start a Codegen agent run (an AI engineer that works on a repository and can open pull requests) and return at once with its id, status and web URL; the server then watches the run. Follow up with codegenapi_wait_for_agent_run, or subscribe to the run resource, then read the result with codegenapi_get_agent_run.',
    input: newRunInput,
    output: startedOutput,
    annotations: {title: 'Start an agent run', ...START},
    async run(args, tc) {
      const run = await createRun(await tc.context(), newRunRequest(args))
      const record = tc.monitor.watch(run)
      const out = S.runOut(run)
      return {data: {...out, watching: record.watched}, text: startedText(out, 'Started')}
    },
  }),

  tool({
    name: 'codegenapi_get_agent_run',
    description: "Get an agent run: status, result, summary, pull requests and web URL. Use it to read a run's outcome or check on it.",
    input: {agent_run_id: agentRunId},
    output: S.RunOut.shape,
    annotations: {title: 'Get an agent run', ...READ},
    async run({agent_run_id}, tc) {
      const out = S.runOut(await getRun(await tc.context(), agent_run_id, tc.signal))
      return {data: out, text: S.runText(out)}
    },
  }),

  tool({
    name: 'codegenapi_resume',
    description:
      'Continue a finished agent run with a follow-up instruction; the server watches it again as for a new run. Only a COMPLETE run can be resumed: for one still working, wait with codegenapi_wait_for_agent_run first.',
    input: {
      agent_run_id: agentRunId,
      query: z.string().min(1).max(MAX_PROMPT_CHARS).describe('The follow-up instruction.'),
      task: taskLabel,
      images,
    },
    output: startedOutput,
    annotations: {title: 'Resume an agent run', ...START},
    async run({agent_run_id, query, task, images}, tc) {
      const run = await resumeRun(await tc.context(), {runId: agent_run_id, query, task, images})
      const record = tc.monitor.watch(run, {resumed: true})
      const out = S.runOut(run)
      return {data: {...out, watching: record.watched}, text: startedText(out, 'Resumed')}
    },
  }),

  tool({
    name: 'codegenapi_list',
    description: 'List agent runs of the organization, newest first, optionally filtered by status, repository, user or source. Use it to find a run id or see what is running.',
    input: {
      status: z.string().max(200).optional().describe('Comma-separated: running (or active), pending, complete, failed, error, stopped, cancelled, finished.'),
      repo: z.string().max(200).optional().describe('Repository as OWNER/NAME (or NAME).'),
      limit: S.intArg(1, 100, 'limit').optional().default(10).describe('How many runs to return (1-100, default 10).'),
      user_id: S.intArg(1, S.MAX_ID, 'user_id').optional().describe('Only runs started by this user id.'),
      source_type: z.string().max(40).optional().describe('Only runs from this source: API, LOCAL, SLACK, GITHUB, LINEAR, JIRA, CHAT...'),
    },
    output: {runs: z.array(S.RunListItemOut), count: z.number().int().min(0).max(100)},
    annotations: {title: 'List agent runs', ...READ},
    async run({status, repo, limit, user_id, source_type}, tc) {
      const runs = (await listRuns(await tc.context(), {status, repo, limit, userId: user_id, sourceType: source_type})).map(S.runListItem)
      const text = runs.length
        ? runs.map((r) => `${r.id} ${r.status}${r.repo ? ` ${r.repo}` : ''}${r.created_at ? ` ${r.created_at}` : ''}${r.summary ? ` — ${r.summary.slice(0, 120)}` : ''}`).join('\n')
        : 'No agent runs match.'
      return {data: {runs, count: runs.length}, text}
    },
  }),

  tool({
    name: 'codegenapi_get_agent_run_logs',
    description: "Read a page of an agent run's step-by-step log (thoughts, tool calls and their results), to see what the agent did or why it failed. Long fields are cut; page with skip and limit.",
    input: {
      agent_run_id: agentRunId,
      skip: S.intArg(0, 1_000_000, 'skip').optional().default(0).describe('How many entries to skip (default 0).'),
      limit: S.intArg(1, 100, 'limit').optional().default(20).describe('How many entries to return (1-100, default 20).'),
      reverse: z.boolean().optional().default(false).describe('Newest entries first.'),
    },
    output: {
      agent_run_id: z.number().int().min(1).max(S.MAX_ID),
      status: z.string(),
      total_logs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
      skip: z.number().int().min(0).max(1_000_000),
      logs: z.array(S.LogEntryOut),
      next_skip: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('Pass as skip to read the next page; absent on the last page.'),
    },
    annotations: {title: 'Read agent run logs', ...READ},
    async run({agent_run_id, skip, limit, reverse}, tc) {
      const page = await getLogsPage(await tc.context(), agent_run_id, {skip, limit, reverse})
      const logs = page.logs.slice(0, limit).map(S.logEntryOut)
      const total = page.total_logs ?? undefined
      const more = total !== undefined ? skip + logs.length < total : logs.length === limit
      const data = {agent_run_id, status: page.status ?? 'UNKNOWN', total_logs: total, skip, logs, next_skip: more ? skip + logs.length : undefined}
      const lines = logs.map((l, i) => `#${skip + i + 1} ${l.message_type ?? ''}${l.tool_name ? ` ${l.tool_name}` : ''}${l.thought ? `: ${l.thought.slice(0, 200)}` : ''}`)
      const head = `Agent run ${agent_run_id} (${data.status}): entries ${logs.length ? `${skip + 1}-${skip + logs.length}` : 'none'}${total !== undefined ? ` of ${total}` : ''}.`
      return {data: JSON.parse(JSON.stringify(data)), text: [head, ...lines, ...(more ? [`More: skip=${skip + logs.length}.`] : [])].join('\n')}
    },
  }),

  tool({
    name: 'codegenapi_config',
    description:
      "Show or change codegenapi's configuration: api-token, org-id, base-url (set and unset write the user config file). The token is never shown, only whether it is set and its last four characters.",
    input: {
      action: z.enum(['list', 'get', 'set', 'unset']).describe('list all keys, get one, set one, or unset one.'),
      key: z.string().max(40).optional().describe('api-token, org-id or base-url (needed for get, set and unset).'),
      value: z.string().max(2000).optional().describe('The new value (for set).'),
    },
    output: {
      entries: z.array(S.ConfigEntryOut),
      changed: z.boolean().describe('True when set or unset changed the config file.'),
      file: z.string().describe('The user config file.'),
    },
    annotations: {title: 'Configure codegenapi', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false},
    async run({action, key, value}, tc) {
      const config = new ConfigService(tc.env)
      const file = config.userFile
      const need = (what: string | undefined, name: string) => {
        if (!what) throw usageError(`${name} is required for action ${action}.`, name === 'key' ? 'Keys: api-token, org-id, base-url.' : undefined)
        return what
      }
      let changed = false
      let entries
      if (action === 'list') {
        entries = await config.entries()
      } else if (action === 'get') {
        entries = [await config.get(need(key, 'key'))]
      } else if (action === 'set') {
        await config.set(need(key, 'key'), need(value, 'value'))
        entries = [await config.get(key!)]
        changed = true
      } else {
        changed = (await config.unset(need(key, 'key'))).removed
        entries = [await config.get(key!)]
      }
      const out = entries.map(S.configEntryOut)
      const lines = out.map((e) => `${e.key}: ${e.set ? e.value : '(not set)'}${e.source ? ` [${e.source}]` : ''}`)
      const lead = action === 'set' ? `Saved in ${file}.` : action === 'unset' ? (changed ? `Removed from ${file}.` : `Was not set in ${file}.`) : undefined
      return {data: {entries: out, changed, file}, text: [lead, ...lines].filter(Boolean).join('\n')}
    },
  }),

  tool({
    name: 'codegenapi_wait_for_agent_run',
    description:
      'Wait until an agent run finishes, for at most timeout_seconds (45 at most), then return it with its result. If it is still working when time runs out the result says so: call again to keep waiting.',
    input: {
      agent_run_id: agentRunId,
      timeout_seconds: S.intArg(1, 45, 'timeout_seconds').optional().default(40).describe('How long to wait, in seconds (1-45, default 40).'),
    },
    output: {
      run: S.RunOut,
      finished: z.boolean(),
      timed_out: z.boolean().describe('True when the run was still working when time ran out.'),
      waited_seconds: z.number().min(0).max(3600),
    },
    annotations: {title: 'Wait for an agent run', ...READ},
    async run({agent_run_id, timeout_seconds}, tc) {
      const started = Date.now()
      const total = timeout_seconds
      const elapsed = () => Math.round((Date.now() - started) / 100) / 10
      const first = await getRun(await tc.context(), agent_run_id, tc.signal)
      let record: RunRecord | undefined
      // A run the monitor still follows (e.g. just resumed, showing its old status) is waited for.
      let finished = isTerminal(first.status) && !tc.monitor.isWatched(first.id)
      tc.progress(elapsed(), total, `Agent run ${first.id} is ${first.status ?? 'UNKNOWN'}`)
      if (!finished) {
        // Answer by the deadline even when asked to wait longer.
        const left = Math.min(started + timeout_seconds * 1000, tc.deadline - 500) - Date.now()
        const waited = await tc.monitor.waitFor(first, {
          timeoutMs: left,
          signal: tc.signal,
          onPoll: (r) => tc.progress(Math.min(elapsed(), total), total, `Agent run ${r.id} is ${r.status ?? 'UNKNOWN'}`),
        })
        record = waited.record
        finished = waited.finished
      }
      const run = S.runOut(record ?? first)
      const seconds = elapsed()
      const timedOut = !finished && !tc.signal.aborted
      const lead = finished
        ? `Agent run ${run.id} finished: ${run.status}${isComplete(run.status) ? '' : ' (it did not complete)'}.`
        : `Agent run ${run.id} is still ${run.status} after ${Math.round(seconds)} s. Call codegenapi_wait_for_agent_run again to keep waiting, or subscribe to ${run.resource_uri}.`
      return {data: {run, finished, timed_out: timedOut, waited_seconds: seconds}, text: S.runText(run, lead)}
    },
  }),

  tool({
    name: 'codegenapi_watch',
    description:
      'List the agent runs this server watches, with their status and parent runs (a child reports to its parent when it finishes). Give agent_run_id to start watching a run started elsewhere.',
    input: {agent_run_id: agentRunId.optional().describe('A run to start watching (an integer); leave out to only list.')},
    output: {
      runs: z.array(
        z.object({
          id: z.number().int().min(1).max(S.MAX_ID),
          status: z.string().optional(),
          watched: z.boolean(),
          repo: z.string().optional(),
          web_url: z.string().optional(),
          parent_run_id: z.number().int().min(1).max(S.MAX_ID).optional(),
          parent_report: z.string().optional().describe('pending (waits for the parent to be COMPLETE), sending, sent or undeliverable.'),
        }),
      ),
      count: z.number().int().min(0).max(500),
    },
    annotations: {title: 'Watched agent runs', ...READ},
    async run({agent_run_id}, tc) {
      if (agent_run_id !== undefined) tc.monitor.watch(await getRun(await tc.context(), agent_run_id, tc.signal))
      const runs = tc.monitor.store
        .list()
        .filter((r) => r.watched || r.parent_run_id || tc.monitor.isWatched(r.id))
        .slice(0, 100)
        .map((r) => ({
          id: r.id,
          status: r.status ?? undefined,
          watched: tc.monitor.isWatched(r.id),
          repo: r.repo ?? undefined,
          web_url: r.web_url ?? undefined,
          parent_run_id: r.parent_run_id ?? undefined,
          parent_report: r.parent_report,
        }))
      const text = runs.length
        ? runs.map((r) => `${r.id} ${r.status ?? 'UNKNOWN'}${r.watched ? ' (watched)' : ''}${r.parent_run_id ? ` parent ${r.parent_run_id}${r.parent_report ? ` report ${r.parent_report}` : ''}` : ''}`).join('\n')
        : 'No runs are watched.'
      return {data: {runs, count: runs.length}, text}
    },
  }),
]

/** Task-only tools: listed to every client, callable only as MCP tasks. */
export const TASK_TOOLS: TaskToolDef[] = [
  taskTool({
    name: 'codegenapi_run',
    description:
      'Start an agent run as an MCP task that completes when the run finishes, with its result. Only for hosts that support MCP tasks; otherwise use codegenapi_new, then codegenapi_wait_for_agent_run. Same arguments as codegenapi_new.',
    input: newRunInput,
    output: S.RunOut.shape,
    annotations: {title: 'Run an agent to completion (task)', ...START},
    async start(args, tc) {
      const run = await createRun(await tc.context(), newRunRequest(args))
      return tc.monitor.watch(run)
    },
    finish(record) {
      const out = S.runOut(record)
      const ok = isComplete(record.status)
      return {data: out, ok, text: S.runText(out, ok ? `Agent run ${out.id} is COMPLETE.` : `Agent run ${out.id} ended ${out.status}.`)}
    },
  }),
]

export const READ_ONLY_TOOLS = TOOLS.filter((t) => t.annotations.readOnlyHint).map((t) => t.name)
export const ALL_TOOL_NAMES = [...TOOLS, ...TASK_TOOLS].map((t) => t.name)

/** `--read-only` and `--tools a,b,c`: which tools this server offers. */
export function selectTools(opts: {readOnly?: boolean; tools?: string}): {tools: ToolDef[]; taskTools: TaskToolDef[]} {
  let names = new Set(ALL_TOOL_NAMES)
  if (opts.tools !== undefined) {
    const asked = opts.tools.split(',').map((n) => n.trim()).filter(Boolean).map((n) => (n.startsWith('codegenapi_') ? n : `codegenapi_${n}`))
    const unknown = asked.filter((n) => !names.has(n))
    if (unknown.length > 0) throw usageError(`Unknown tool${unknown.length > 1 ? 's' : ''} in --tools: ${unknown.join(', ')}.`, `Tools: ${ALL_TOOL_NAMES.join(', ')}.`)
    if (asked.length === 0) throw usageError('--tools names no tool.', `Tools: ${ALL_TOOL_NAMES.join(', ')}.`)
    names = new Set(asked)
  }
  if (opts.readOnly) {
    const writing = [...names].filter((n) => !READ_ONLY_TOOLS.includes(n))
    if (opts.tools !== undefined && writing.length > 0) {
      throw usageError(`--read-only leaves out ${writing.join(', ')}, named in --tools.`, `Read-only tools: ${READ_ONLY_TOOLS.join(', ')}.`)
    }
    names = new Set([...names].filter((n) => READ_ONLY_TOOLS.includes(n)))
  }
  return {tools: TOOLS.filter((t) => names.has(t.name)), taskTools: TASK_TOOLS.filter((t) => names.has(t.name))}
}
