import path from 'node:path'
import {CodegenError} from '../api/errors.js'
import {Redactor} from '../api/redact.js'
import type {ConfigOverrides} from '../services/config.js'
import {createContext, type ServiceContext} from '../services/context.js'
import {RunLifecycle} from '../services/lifecycle.js'
import {envMs} from '../services/duration.js'
import {processIO, type CommandIO} from '../io.js'
import {monitorIntervalFromEnv} from '../services/monitor.js'
import type {RunRecord} from '../services/state.js'
import {mcpHint} from './hints.js'
import type {LogLevel, McpApp, ServerHandle} from './sdk.js'
import {runOut, runUri, staleOut} from './shapes.js'
import {resumeTasks} from './task-runner.js'
import {RunTaskStore} from './task-store.js'
import {selectTools} from './tools/index.js'

// The MCP server's assembly and lifecycle, SDK-free: configuration, state store, run monitor, the
// tool selection, logging (stderr and MCP), shutdown. src/mcp/sdk.ts does the protocol side.

export interface ServeOptions {
  readOnly?: boolean
  tools?: string
  toolsets?: string
  overrides?: ConfigOverrides
  env?: NodeJS.ProcessEnv
  debug?: boolean
  version: string
  /** Streams, env, working directory and request budget (src/io.ts): the process's, or a test's in-process run's. */
  io?: CommandIO
}

/** HTTP calls stay well below the 45 s a tool call may take. */
const REQUEST_TIMEOUT_MS = 20_000
const MAX_RETRY_AFTER_MS = 10_000
/** Hosts drop tool calls after about 60 s: every tool answers within 45 s (tests shorten it). */
const TOOL_DEADLINE_MS = 45_000

const INSTRUCTIONS = `codegenapi drives Codegen agent runs (AI engineers working on GitHub repositories).
To get work done: codegenapi_new starts a run and returns at once; the server watches it (find the repository to name with codegenapi_list_repos). Then call codegenapi_wait_for_agent_run (up to 45 s a call, call again while it is still running), or subscribe to the resource codegen://agent-runs/{id} to be notified when it changes. Read the outcome with codegenapi_get_agent_run (result, summary, pull requests). To follow up on a COMPLETE run, use codegenapi_resume.
If a tool says no token is configured, the user should run \`codegenapi config set api-token\` in a terminal (or set CODEGEN_API_TOKEN in this server's environment).`

/** Everything the process needs to shut down, in one place. */
export interface RunningServer {
  handle: ServerHandle
  shutdown(reason: string): Promise<void>
  done: Promise<void>
}

/** The shared part of the server, whatever the transport: tools, monitor, state, logging. */
export interface AppRuntime {
  app: McpApp
  /** Resumes watching the runs left active; returns them. */
  start(): RunRecord[]
  /** One line for the log: what this server offers and with which configuration. */
  describe(transport: string, resumed: number): string
  /** Stops the monitor (state written) and the task timers. */
  stop(): Promise<void>
}

/** `mcp serve` on stdio: one client, the process ends with it. */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const runtime = await createApp(opts)
  const {serveStdio} = await import('./sdk.js')
  const handle = await serveStdio(runtime.app, opts.io ?? processIO)
  runtime.app.log('info', runtime.describe('stdio', runtime.start().length))
  const running = lifecycle(runtime, async () => {
    // The monitor's state is written before the transport goes.
    await runtime.stop()
    await handle.close().catch(() => undefined)
  })
  void handle.closed.then(() => running.shutdown('the client closed the connection'))
  return {...running, handle}
}

/** `mcp serve --http`: every client its own session; the monitor, state and token are shared. */
export async function startHttpServer(
  opts: ServeOptions & {host: string; port: number; authToken?: string; maxSessions?: number; idleMs?: number},
): Promise<RunningServer & {url: string}> {
  const runtime = await createApp(opts)
  const {serveHttp} = await import('./http.js')
  const http = await serveHttp(runtime.app, opts)
  runtime.app.log(
    'info',
    runtime.describe(`HTTP at ${http.url}${opts.authToken ? ' (bearer token required)' : ''}`, runtime.start().length),
  )
  const running = lifecycle(runtime, async () => {
    await http.close().catch(() => undefined)
    await runtime.stop()
  })
  return {...running, handle: {closed: running.done, close: () => running.shutdown('closed')}, url: http.url}
}

/** Shutdown once, whatever asks for it first (client gone, signal); `done` resolves when it is over. */
function lifecycle(runtime: AppRuntime, close: () => Promise<void>): Omit<RunningServer, 'handle'> {
  let finished!: () => void
  const done = new Promise<void>((resolve) => (finished = resolve))
  let stopping: Promise<void> | undefined
  const shutdown = (reason: string) =>
    (stopping ??= (async () => {
      runtime.app.log('debug', `Shutting down: ${reason}.`)
      await close()
      finished()
    })())
  return {shutdown, done}
}

export async function createApp(opts: ServeOptions): Promise<AppRuntime> {
  const io = opts.io ?? processIO
  const env = opts.env ?? io.env
  const {tools, taskTools} = selectTools({readOnly: opts.readOnly, tools: opts.tools, toolsets: opts.toolsets})

  // The token must never leave the process: every result and log line is scrubbed of it.
  const secrets = new Redactor()
  const scrub = (text: string) => secrets.text(text)
  const redact = <T>(value: T): T => secrets.value(value)

  const sinks = new Set<(level: LogLevel, text: string) => void>()
  const log = (level: LogLevel, text: string, audience: 'clients' | 'operator' = 'clients') => {
    const clean = scrub(text)
    if (level !== 'debug' || opts.debug) io.stderr.write(`[codegenapi mcp] ${level}: ${clean}\n`)
    if ((level === 'debug' && !opts.debug) || audience === 'operator') return
    for (const sink of sinks) sink(level, clean)
  }

  const context = async (): Promise<ServiceContext> => {
    const ctx = await createContext({
      overrides: opts.overrides,
      env,
      cwd: io.cwd,
      limiter: io.limiter,
      timeoutMs: REQUEST_TIMEOUT_MS,
      maxRetryAfterMs: MAX_RETRY_AFTER_MS,
      debug: opts.debug ? (line) => log('debug', line) : undefined,
    })
    secrets.add(ctx.config.token)
    return ctx
  }
  // Configuration problems are reported now, but the server starts anyway: tools then say what to fix.
  let startup: ServiceContext | undefined
  try {
    startup = await context()
  } catch (error) {
    log('warning', `Configuration problem: ${errorText(error)}`)
  }
  for (const warning of startup?.config.warnings ?? []) log('warning', warning)

  // One lifecycle for every tool call, resource and subscription; read-only sends no write from any path (F-4).
  const lifecycle = await RunLifecycle.open({
    context,
    env,
    write: !opts.readOnly,
    log: (level, message) => log(level, message),
  })
  const {monitor, store} = lifecycle
  const intervalMs = monitorIntervalFromEnv(env)
  monitor.onUpdate((u) => {
    if (u.statusChanged && u.record.status)
      log('info', `Agent run ${u.record.id} is ${u.record.status}${u.terminal && u.record.web_url ? `: ${u.record.web_url}` : ''}`)
  })
  // Tasks and their results live next to the run state, so that they survive a restart (F-24).
  const taskStore = new RunTaskStore(path.join(path.dirname(store.file), 'tasks.json'), (message) => log('warning', message))
  await taskStore.load()

  const app: McpApp = {
    name: 'codegenapi',
    version: opts.version,
    instructions: INSTRUCTIONS,
    tools,
    taskTools,
    monitor,
    taskStore,
    taskPollMs: intervalMs ?? 5000,
    toolDeadlineMs: deadlineFromEnv(env),
    toolContext: (signal, progress, deadline) => ({context, monitor, lifecycle, signal, progress, deadline, env, cwd: io.cwd}),
    listRuns: () =>
      store
        .list()
        .slice(0, 200)
        .map((r) => ({
          uri: runUri(r.id),
          name: `agent-run-${r.id}`,
          title: `Agent run ${r.id}`,
          description: `${r.status ?? 'status unknown'}${r.watched ? ', watched' : ''}${r.repo ? `, ${r.repo}` : ''}`,
          mimeType: 'application/json',
        })),
    async readRun(id, signal) {
      // The same answer as codegenapi_get_agent_run, with the same fallback to the local state (F-24).
      const seen = await lifecycle.get(id, {signal})
      const out = runOut(seen.run, 100_000, {record: seen.record})
      return JSON.stringify(seen.stale ? staleOut(out, seen.stale) : out, null, 2)
    },
    subscribed(id) {
      // Followed to be read: a subscription never leads to a parent report (F-4).
      if (!monitor.isWatched(id)) lifecycle.follow(id)
    },
    errorText,
    redact,
    onLog(sink) {
      sinks.add(sink)
      return () => sinks.delete(sink)
    },
    log,
  }

  return {
    app,
    start() {
      const active = lifecycle.resumeWatching()
      resumeTasks(app)
      return active
    },
    describe(transport, resumed) {
      const token = startup?.config.token ? 'set' : 'NOT set (tools will say how to set it)'
      return `codegenapi MCP server ${opts.version} on ${transport}: ${tools.length + taskTools.length} tools${opts.readOnly ? ' (read-only)' : ''}; token ${token}; org ${startup?.config.orgId ?? 'not set'}; run state ${store.file}${resumed ? `; watching ${resumed} run(s)` : ''}.`
    },
    async stop() {
      await lifecycle.close().catch(() => undefined)
      await taskStore.close()
    },
  }

  function errorText(error: unknown): string {
    if (error instanceof CodegenError) {
      const hint = mcpHint(error)
      return scrub(hint ? `${error.message}\n${hint}` : error.message)
    }
    const e = error as Error
    if (e?.name === 'AbortError') return 'The call was cancelled.'
    return scrub(`Unexpected error: ${e?.message ?? String(error)}`)
  }
}

function deadlineFromEnv(env: NodeJS.ProcessEnv): number {
  return envMs(env, 'CODEGENAPI_TOOL_DEADLINE_MS') ?? TOOL_DEADLINE_MS
}
