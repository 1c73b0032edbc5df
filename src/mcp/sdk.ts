// All wiring to the MCP SDK (1.x, protocol 2025-11-25) lives in this module (with http.ts and the
// transports): McpServer for the run resource, our own tools/list and tools/call (the SDK's registerTool
// advertises tools.listChanged, validates with raw Zod dumps, answers an unknown tool with a tool
// result and runs a task-forbidding tool for a task call), subscriptions, logging, progress, tasks.
// A move to the v2 packages (@modelcontextprotocol/server) touches these files only.
import {McpServer, ResourceTemplate} from '@modelcontextprotocol/sdk/server/mcp.js'
import type {Transport} from '@modelcontextprotocol/sdk/shared/transport.js'
import type {TaskStore} from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js'
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type CallToolResult,
  type JSONRPCMessage,
  type ServerNotification,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js'
import {z} from 'zod'
import {CodegenError} from '../api/errors.js'
import type {CommandIO} from '../io.js'
import type {RunMonitor} from '../services/monitor.js'
import {checkParams, errorResponse} from './jsonrpc.js'
import {checkedResult, describeIssues, errorResult, type ToolResult} from './results.js'
import {RUN_URI_PREFIX, RUN_URI_TEMPLATE, runUri} from './shapes.js'
import {LineTransport} from './stdio-transport.js'
import {protocolOutput} from './stdio-guard.js'
import {followTask, runPlain, type TaskSink} from './task-runner.js'
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
  /**
   * A line for stderr and every client's log. `operator`: stderr only, for what concerns the server and
   * not a client, such as other clients' HTTP sessions (their ids are theirs alone).
   */
  log(level: LogLevel, text: string, audience?: 'clients' | 'operator'): void
}

export interface ServerHandle {
  /** Resolves when the transport has closed (client gone, stdin ended, or close()). */
  readonly closed: Promise<void>
  close(): Promise<void>
}

const RESOURCE_NOT_FOUND = -32002
/** A message on stdio may carry 5 images of 10 MB as base64 (see the images argument), and some text. */
export const MAX_MESSAGE_BYTES = 72 * 1024 * 1024

type Extra = {
  signal: AbortSignal
  _meta?: {progressToken?: string | number}
  sendNotification: (n: ServerNotification) => Promise<void>
}

/** Runs one tool call: deadline, cancellation, progress, and every failure as an `isError` result. */
async function callTool(
  app: McpApp,
  name: string,
  output: z.ZodRawShape,
  run: (tc: ToolContext) => Promise<ToolOutcome<unknown> & {ok?: boolean}>,
  extra: Extra,
): Promise<ToolResult> {
  const controller = new AbortController()
  const onAbort = () => controller.abort(extra.signal.reason)
  extra.signal.addEventListener('abort', onAbort, {once: true})
  let deadline: NodeJS.Timeout | undefined
  const due = Date.now() + app.toolDeadlineMs
  const timedOut = new Promise<never>((_, reject) => {
    deadline = setTimeout(() => {
      const error = new CodegenError('timeout', `${name} did not finish within ${app.toolDeadlineMs / 1000} s.`, {
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
    const outcome = await Promise.race([run(app.toolContext(controller.signal, progress, due)), timedOut])
    return checkedResult(app, name, output, outcome, outcome.ok === false)
  } catch (error) {
    return errorResult(app, error)
  } finally {
    clearTimeout(deadline)
    extra.signal.removeEventListener('abort', onAbort)
  }
}

function parseRunUri(uri: string): number | undefined {
  if (!uri.startsWith(RUN_URI_PREFIX)) return undefined
  const rest = uri.slice(RUN_URI_PREFIX.length)
  if (!/^\d{1,10}$/.test(rest)) return undefined
  const id = Number(rest)
  return id >= 1 && id <= 2_147_483_647 ? id : undefined
}

/** A JSON-RPC error with just the message given (McpError prefixes "MCP error <code>:"). */
const rpcError = (code: number, message: string) => Object.assign(new Error(message), {code})

type Entry =
  {kind: 'plain'; def: ToolDef; schema: z.ZodObject; listed: Tool} | {kind: 'task'; def: TaskToolDef; schema: z.ZodObject; listed: Tool}

const listedCache = new WeakMap<object, Tool>()

/** What tools/list says of a tool: name, description, JSON schemas (draft 7, as the SDK makes them), annotations. */
function listed(def: ToolDef | TaskToolDef, taskSupport: 'forbidden' | 'optional'): Tool {
  let tool = listedCache.get(def)
  if (!tool) {
    tool = {
      name: def.name,
      title: def.annotations.title,
      description: def.description,
      inputSchema: z.toJSONSchema(z.strictObject(def.input), {target: 'draft-7', io: 'input'}) as Tool['inputSchema'],
      outputSchema: z.toJSONSchema(z.object(def.output), {target: 'draft-7', io: 'output'}) as Tool['outputSchema'],
      annotations: def.annotations,
      execution: {taskSupport},
    }
    listedCache.set(def, tool)
  }
  return tool
}

/** The tools of this app by name. */
export function toolEntries(app: Pick<McpApp, 'tools' | 'taskTools'>): Map<string, Entry> {
  const entries = new Map<string, Entry>()
  for (const def of app.tools)
    entries.set(def.name, {kind: 'plain', def, schema: z.strictObject(def.input), listed: listed(def, 'forbidden')})
  for (const def of app.taskTools)
    entries.set(def.name, {kind: 'task', def, schema: z.strictObject(def.input), listed: listed(def, 'optional')})
  return entries
}

type TaskExtra = Extra & {
  taskStore?: TaskSink & {createTask(p: {ttl?: number | null; pollInterval?: number}): Promise<{taskId: string}>}
  taskRequestedTtl?: number | null
}

/**
 * tools/call as spec 2025-11-25 says: an unknown tool is -32602; a task call to a tool that forbids
 * tasks is -32601 and runs nothing; invalid arguments are a tool error the model can correct (a task
 * call, which has no tool result to carry it, gets -32602); both with a one-line message.
 */
async function handleCall(
  app: McpApp,
  entries: Map<string, Entry>,
  request: {params: {name: string; arguments?: unknown; task?: unknown}},
  extra: TaskExtra,
) {
  const {name, arguments: args, task} = request.params
  const entry = entries.get(name)
  if (!entry) throw rpcError(ErrorCode.InvalidParams, `Unknown tool: ${name}. Tools: ${[...entries.keys()].join(', ')}.`)
  const asTask = task !== undefined
  if (asTask && entry.kind === 'plain')
    throw rpcError(
      ErrorCode.MethodNotFound,
      `${name} does not run as a task (execution.taskSupport is "forbidden"): call it without "task".`,
    )
  const parsed = entry.schema.safeParse(args ?? {})
  if (!parsed.success) {
    const message = `Invalid arguments for ${name}: ${describeIssues(parsed.error)}.`
    if (asTask) throw rpcError(ErrorCode.InvalidParams, message)
    return errorResult(app, message)
  }
  if (entry.kind === 'plain') {
    const def = entry.def
    return callTool(app, name, def.output, (tc) => def.run(parsed.data, tc), extra)
  }
  const def = entry.def
  if (!asTask) return callTool(app, name, def.output, (tc) => runPlain(app, def, parsed.data, tc), extra)
  const store = extra.taskStore
  if (!store) throw rpcError(ErrorCode.InternalError, 'No task store.')
  const created = await store.createTask({ttl: extra.taskRequestedTtl ?? null, pollInterval: app.taskPollMs})
  app.taskStore.describe(created.taskId, {tool: name})
  void followTask(app, def, created.taskId, store, {args: parsed.data})
  return {task: await app.taskStore.getTask(created.taskId)}
}

/** One MCP server (one client session) over the shared app: its own subscriptions and log level. */
export function createServer(app: McpApp): {server: McpServer; dispose: () => void} {
  const withTasks = app.taskTools.length > 0
  const server = new McpServer(
    {name: app.name, version: app.version},
    {
      capabilities: {
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

  // Declared here rather than in the options, where McpServer would install its own tool handlers and
  // advertise tools.listChanged. The tool list never changes while the server runs: nothing to announce.
  server.server.registerCapabilities({tools: {listChanged: false}})
  const entries = toolEntries(app)
  const tools = [...entries.values()].map((e) => e.listed)
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({tools}))
  server.server.setRequestHandler(
    CallToolRequestSchema,
    (request, extra) => handleCall(app, entries, request, extra as unknown as TaskExtra) as Promise<CallToolResult>,
  )

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
        throw rpcError(ErrorCode.InvalidParams, `Not an agent run URI: ${uri.href} (expected ${RUN_URI_TEMPLATE}, with an integer id).`)
      void variables
      try {
        return {contents: [{uri: runUri(id), mimeType: 'application/json', text: app.redact(await app.readRun(id, extra.signal))}]}
      } catch (error) {
        const code = error instanceof CodegenError && error.kind === 'not_found' ? RESOURCE_NOT_FOUND : ErrorCode.InternalError
        throw rpcError(code, app.errorText(error))
      }
    },
  )

  // McpServer does not answer resources/subscribe: the handlers go on the underlying server.
  const subscriptions = new Set<string>()
  server.server.setRequestHandler(SubscribeRequestSchema, (request) => {
    const id = parseRunUri(request.params.uri)
    if (id === undefined)
      throw rpcError(ErrorCode.InvalidParams, `Cannot subscribe to ${request.params.uri}: only ${RUN_URI_TEMPLATE} resources change.`)
    subscriptions.add(runUri(id))
    app.subscribed(id)
    return {}
  })
  server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
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
    server.server.sendLoggingMessage({level, logger: 'codegenapi', data: text}).catch(() => undefined)
  })

  return {
    server,
    dispose: () => {
      offUpdate()
      offLog()
    },
  }
}

const SHUTTING_DOWN = -32000

/**
 * The transport as the SDK sees it: requests whose params do not fit their method are answered here
 * (-32602, one line) and never reach the SDK; requests still unanswered when the server closes get an
 * error instead of an empty reply.
 */
function guard(inner: Transport): {transport: Transport; failPending(message: string): Promise<void>} {
  const pending = new Set<string | number>()
  const transport = new Proxy(inner, {
    set(target, prop, value: unknown) {
      if (prop === 'onmessage' && typeof value === 'function') {
        const handle = value as NonNullable<Transport['onmessage']>
        target.onmessage = (message, extra) => {
          const invalid = checkParams(message)
          if (invalid) {
            void target.send(invalid as JSONRPCMessage, {relatedRequestId: invalid.id ?? undefined}).catch(() => undefined)
            return
          }
          if ('method' in message && 'id' in message) pending.add(message.id)
          handle(message, extra)
        }
        return true
      }
      return Reflect.set(target, prop, value)
    },
    get(target, prop) {
      if (prop === 'send')
        return (message: JSONRPCMessage, options?: Parameters<Transport['send']>[1]) => {
          if (!('method' in message) && 'id' in message && message.id !== undefined) pending.delete(message.id)
          return target.send(message, options)
        }
      const value: unknown = Reflect.get(target, prop)
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
  const failPending = async (message: string) => {
    const ids = [...pending]
    pending.clear()
    await Promise.all(
      ids.map((id) =>
        inner.send(errorResponse(id, SHUTTING_DOWN, message) as JSONRPCMessage, {relatedRequestId: id}).catch(() => undefined),
      ),
    )
  }
  return {transport, failPending}
}

export async function connect(app: McpApp, raw: Transport): Promise<ServerHandle & {server: McpServer}> {
  const {server, dispose} = createServer(app)
  const guarded = guard(raw)
  let markClosed!: () => void
  const closed = new Promise<void>((resolve) => (markClosed = resolve))
  server.server.onclose = () => {
    dispose()
    markClosed()
  }
  server.server.onerror = (error) => app.log('debug', `MCP transport: ${error.message}`)
  await server.connect(guarded.transport)
  return {
    server,
    closed,
    async close() {
      dispose()
      await guarded.failPending(
        'The server is shutting down: this call did not finish. Check what it did (codegenapi_list, codegenapi_get_agent_run) before calling it again.',
      )
      await server.close()
    },
  }
}

/** Serves one client on stdin/stdout; the server closes when stdin ends (and the caller shuts down). */
export async function serveStdio(app: McpApp, io: CommandIO): Promise<ServerHandle> {
  // The process's stdout.write was handed to stderr by the stdio guard: the protocol takes the real one.
  const output = io.real ? protocolOutput() : io.stdout
  return connect(app, new LineTransport(io.stdin, output, MAX_MESSAGE_BYTES))
}
