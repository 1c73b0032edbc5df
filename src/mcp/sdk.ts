// All wiring to the MCP SDK (1.x, protocol 2025-11-25) lives in this module: McpServer, tools,
// the run resource and its subscriptions, logging, progress, tasks and the stdio transport. A move to
// the v2 packages (@modelcontextprotocol/server) touches this file only. Everything it calls is SDK-free.
import {McpServer, ResourceTemplate} from '@modelcontextprotocol/sdk/server/mcp.js'
import {StdioServerTransport} from '@modelcontextprotocol/sdk/server/stdio.js'
import type {Transport} from '@modelcontextprotocol/sdk/shared/transport.js'
import type {TaskStore} from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js'
import {
  ErrorCode,
  McpError,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type CallToolResult,
  type LoggingLevel,
  type ServerNotification,
} from '@modelcontextprotocol/sdk/types.js'
import type {Writable} from 'node:stream'
import {z} from 'zod'
import {CodegenError} from '../api/errors.js'
import type {RunMonitor} from '../services/monitor.js'
import type {RunRecord} from '../services/state.js'
import {isTerminal} from '../services/status.js'
import {RUN_URI_PREFIX, RUN_URI_TEMPLATE, runUri} from './shapes.js'
import {protocolOutput} from './stdio-guard.js'
import type {RunTaskStore} from './task-store.js'
import type {TaskToolDef, ToolContext, ToolDef, ToolOutcome} from './tools/define.js'

export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error'

/** What the server offers, assembled by server.ts. */
export interface McpApp {
  name: string
  version: string
  instructions: string
  tools: ToolDef[]
  taskTools: TaskToolDef[]
  monitor: RunMonitor
  taskStore: RunTaskStore
  /** How often task clients should poll tasks/get. */
  taskPollMs: number
  /** No tool may block a host longer than this: hosts drop tool calls after about 60 s. */
  toolDeadlineMs: number
  toolContext(signal: AbortSignal, progress: ToolContext['progress'], deadline: number): ToolContext
  listRuns(): {uri: string; name: string; title: string; description: string; mimeType: string}[]
  /** The run as JSON text; throws a CodegenError when it cannot be had. */
  readRun(id: number, signal: AbortSignal): Promise<string>
  /** A client subscribed to a run: make sure it is watched. */
  subscribed(id: number): void
  errorText(error: unknown): string
  redact<T>(value: T): T
  onLog(sink: (level: LogLevel, text: string) => void): () => void
  log(level: LogLevel, text: string): void
}

export interface ServerHandle {
  /** Resolves when the transport has closed (client gone, stdin ended, or close()). */
  readonly closed: Promise<void>
  close(): Promise<void>
}

const RESOURCE_NOT_FOUND = -32002

function errorResult(app: McpApp, error: unknown): CallToolResult {
  return app.redact({content: [{type: 'text', text: app.errorText(error)}], isError: true})
}

function outcomeResult(app: McpApp, outcome: ToolOutcome<unknown>, isError = false): CallToolResult {
  return app.redact({
    content: [{type: 'text', text: outcome.text}],
    structuredContent: outcome.data as Record<string, unknown>,
    ...(isError ? {isError: true} : {}),
  })
}

type Extra = {
  signal: AbortSignal
  _meta?: {progressToken?: string | number}
  sendNotification: (n: ServerNotification) => Promise<void>
}

/** Runs one tool call: deadline, cancellation, progress, and every failure as an `isError` result. */
async function callTool(app: McpApp, def: ToolDef, args: unknown, extra: Extra): Promise<CallToolResult> {
  const controller = new AbortController()
  const onAbort = () => controller.abort(extra.signal.reason)
  extra.signal.addEventListener('abort', onAbort, {once: true})
  let deadline: NodeJS.Timeout | undefined
  const due = Date.now() + app.toolDeadlineMs
  const timedOut = new Promise<never>((_, reject) => {
    deadline = setTimeout(() => {
      const error = new CodegenError('timeout', `${def.name} did not finish within ${app.toolDeadlineMs / 1000} s.`, {
        hint: 'The Codegen API is slow or rate-limited: try again in a minute.',
      })
      controller.abort(error)
      // A tool that reacts to the abort (a create already on the wire says it may exist) answers first.
      setImmediate(() => reject(error))
    }, app.toolDeadlineMs)
  })
  const token = extra._meta?.progressToken
  let last = -Infinity
  const progress: ToolContext['progress'] = (value, total, message) => {
    if (token === undefined || value <= last || controller.signal.aborted) return
    last = value
    extra
      .sendNotification({
        method: 'notifications/progress',
        params: {progressToken: token, progress: value, ...(total !== undefined ? {total} : {}), message},
      })
      .catch(() => undefined)
  }
  try {
    const outcome = await Promise.race([def.run(args as never, app.toolContext(controller.signal, progress, due)), timedOut])
    return outcomeResult(app, outcome)
  } catch (error) {
    return errorResult(app, error)
  } finally {
    clearTimeout(deadline)
    extra.signal.removeEventListener('abort', onAbort)
  }
}

type TaskStoreApi = {
  createTask(p: {ttl?: number | null; pollInterval?: number}): Promise<{taskId: string}>
  updateTaskStatus(id: string, status: 'working', message?: string): Promise<void>
  storeTaskResult(id: string, status: 'completed' | 'failed', result: CallToolResult): Promise<void>
  getTask(id: string): Promise<{status: string}>
}

/** A task tool's work after the task was created: start the run, follow it through the monitor, store the result. */
async function followTask(app: McpApp, def: TaskToolDef, args: unknown, taskId: string, store: TaskStoreApi): Promise<void> {
  const quiet = <T>(p: Promise<T>) => p.catch(() => undefined)
  let record: RunRecord
  try {
    record = await def.start(
      args as never,
      app.toolContext(new AbortController().signal, () => undefined, Date.now() + app.toolDeadlineMs),
    )
  } catch (error) {
    await quiet(store.storeTaskResult(taskId, 'failed', errorResult(app, error)))
    return
  }
  const id = record.id
  await quiet(
    store.updateTaskStatus(
      taskId,
      'working',
      `Agent run ${id} is ${record.status ?? 'starting'}${record.web_url ? `: ${record.web_url}` : ''}`,
    ),
  )
  const final = await new Promise<RunRecord | undefined>((resolve) => {
    if (isTerminal(record.status)) return resolve(record)
    let lastStatus = record.status
    const offStore = app.taskStore.onChange((t) => {
      if (t.taskId === taskId && t.status === 'cancelled') done(undefined)
    })
    const offPoll = app.monitor.onPoll((r) => {
      if (r.id !== id) return
      if (isTerminal(r.status)) return done(r)
      if (!r.watched) return done(r)
      if (r.status !== lastStatus) {
        lastStatus = r.status
        void quiet(store.updateTaskStatus(taskId, 'working', `Agent run ${id} is ${r.status}`))
      }
    })
    function done(r: RunRecord | undefined) {
      offPoll()
      offStore()
      resolve(r)
    }
  })
  if (!final) return // cancelled: the run itself goes on (the API cannot stop it); the task is over.
  if (!isTerminal(final.status)) {
    await quiet(
      store.storeTaskResult(
        taskId,
        'failed',
        errorResult(app, new CodegenError('not_found', `Agent run ${id} is no longer watched (${final.note ?? 'unknown reason'}).`)),
      ),
    )
    return
  }
  const outcome = def.finish(final)
  await quiet(store.storeTaskResult(taskId, outcome.ok ? 'completed' : 'failed', outcomeResult(app, outcome, !outcome.ok)))
}

function parseRunUri(uri: string): number | undefined {
  if (!uri.startsWith(RUN_URI_PREFIX)) return undefined
  const rest = uri.slice(RUN_URI_PREFIX.length)
  if (!/^\d{1,10}$/.test(rest)) return undefined
  const id = Number(rest)
  return id >= 1 && id <= 2_147_483_647 ? id : undefined
}

/** One MCP server (one client session) over the shared app: its own subscriptions and log level. */
export function createServer(app: McpApp): {server: McpServer; dispose(): void} {
  const withTasks = app.taskTools.length > 0
  const server = new McpServer(
    {name: app.name, version: app.version},
    {
      capabilities: {
        tools: {listChanged: false},
        resources: {subscribe: true, listChanged: true},
        logging: {},
        ...(withTasks ? {tasks: {list: {}, cancel: {}, requests: {tools: {call: {}}}}} : {}),
      },
      instructions: app.instructions,
      ...(withTasks ? {taskStore: app.taskStore as unknown as TaskStore} : {}),
    },
  )
  let initialized = false
  server.server.oninitialized = () => {
    initialized = true
  }

  for (const def of app.tools) {
    server.registerTool(
      def.name,
      {
        title: def.annotations.title,
        description: def.description,
        inputSchema: z.strictObject(def.input),
        outputSchema: z.object(def.output),
        annotations: def.annotations,
      },
      (args: unknown, extra: Extra) => callTool(app, def, args, extra),
    )
  }

  for (const def of app.taskTools) {
    server.experimental.tasks.registerToolTask(
      def.name,
      {
        title: def.annotations.title,
        description: def.description,
        inputSchema: z.strictObject(def.input),
        outputSchema: z.object(def.output),
        annotations: def.annotations,
        execution: {taskSupport: 'required'},
      },
      {
        async createTask(args, extra) {
          const store = extra.taskStore as unknown as TaskStoreApi
          const task = await extra.taskStore.createTask({ttl: extra.taskRequestedTtl ?? null, pollInterval: app.taskPollMs})
          void followTask(app, def, args, task.taskId, store)
          return {task}
        },
        getTask: (_args, extra) => extra.taskStore.getTask(extra.taskId),
        getTaskResult: async (_args, extra) => (await extra.taskStore.getTaskResult(extra.taskId)) as CallToolResult,
      },
    )
  }

  server.registerResource(
    'agent-run',
    new ResourceTemplate(RUN_URI_TEMPLATE, {list: () => ({resources: app.listRuns()})}),
    {
      title: 'Codegen agent run',
      description:
        'An agent run as JSON (status, result, summary, pull requests, web URL). Subscribe to be notified when it changes; runs started here are listed.',
      mimeType: 'application/json',
    },
    async (uri, variables, extra) => {
      const id = parseRunUri(uri.href)
      if (id === undefined)
        throw new McpError(ErrorCode.InvalidParams, `Not an agent run URI: ${uri.href} (expected ${RUN_URI_TEMPLATE}, with an integer id).`)
      void variables
      try {
        return {contents: [{uri: runUri(id), mimeType: 'application/json', text: app.redact(await app.readRun(id, extra.signal))}]}
      } catch (error) {
        const code = error instanceof CodegenError && error.kind === 'not_found' ? RESOURCE_NOT_FOUND : ErrorCode.InternalError
        throw new McpError(code, app.errorText(error))
      }
    },
  )

  // McpServer does not answer resources/subscribe: the handlers go on the underlying server.
  const subscriptions = new Set<string>()
  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    const id = parseRunUri(request.params.uri)
    if (id === undefined)
      throw new McpError(ErrorCode.InvalidParams, `Cannot subscribe to ${request.params.uri}: only ${RUN_URI_TEMPLATE} resources change.`)
    subscriptions.add(runUri(id))
    app.subscribed(id)
    return {}
  })
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscriptions.delete(request.params.uri)
    return {}
  })

  const offUpdate = app.monitor.onUpdate((update) => {
    if (!initialized) return
    const uri = runUri(update.record.id)
    if (subscriptions.has(uri)) server.server.sendResourceUpdated({uri}).catch(() => undefined)
    if (update.added) server.sendResourceListChanged()
  })
  const offLog = app.onLog((level, text) => {
    if (!initialized) return
    server.server.sendLoggingMessage({level: level as LoggingLevel, logger: 'codegenapi', data: text}).catch(() => undefined)
  })

  return {
    server,
    dispose() {
      offUpdate()
      offLog()
    },
  }
}

export async function connect(app: McpApp, transport: Transport): Promise<ServerHandle & {server: McpServer}> {
  const {server, dispose} = createServer(app)
  let markClosed!: () => void
  const closed = new Promise<void>((resolve) => (markClosed = resolve))
  server.server.onclose = () => {
    dispose()
    markClosed()
  }
  server.server.onerror = (error) => app.log('debug', `MCP transport: ${error.message}`)
  await server.connect(transport)
  return {server, closed, close: () => server.close()}
}

/**
 * Serves one client on stdin/stdout. The SDK's stdio transport does not notice stdin ending: when it
 * does, the server closes (and the caller shuts down).
 */
export async function serveStdio(app: McpApp): Promise<ServerHandle> {
  const transport = new StdioServerTransport(process.stdin, protocolOutput() as Writable)
  const handle = await connect(app, transport)
  const end = () => void handle.close().catch(() => undefined)
  process.stdin.once('end', end)
  process.stdin.once('close', end)
  return handle
}
