import {Client} from '@modelcontextprotocol/sdk/client/index.js'
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js'
import {ReadBuffer, serializeMessage} from '@modelcontextprotocol/sdk/shared/stdio.js'
import type {Transport} from '@modelcontextprotocol/sdk/shared/transport.js'
import type {JSONRPCMessage} from '@modelcontextprotocol/sdk/types.js'
import {AjvJsonSchemaValidator} from '@modelcontextprotocol/sdk/validation/ajv-provider.js'
import type {JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator} from '@modelcontextprotocol/sdk/validation/types.js'
import type {ChildProcess} from 'node:child_process'
import {PassThrough} from 'node:stream'
import {allOutputs, BIN, ROOT, startCli, type CliResult} from '../helpers/cli.js'

// A real MCP client (the SDK's Client) talking to `codegenapi mcp serve`, with the raw stdout and
// stderr kept for checks. Two ways to run the server:
// - in-process (the default): the command runs in this process through the IO seam (src/io.ts, as
//   runCli does), the real server code over the same line transport, with in-memory streams for its
//   stdin and stdout. No build, no process start: for what tools, resources and the protocol do.
// - `spawn: true`: the built binary, `node bin/run.js mcp serve`, over a StdioClientTransport: for
//   what needs the process (stdout carrying protocol only, exit codes, signals, start-up).

export interface Notification {
  method: string
  params?: Record<string, any>
}

export interface McpSession {
  client: Client
  /** The server's process (spawn: true only). */
  proc?: ChildProcess
  /** Everything the server wrote on stdout, as received. */
  stdout(): string
  stderr(): string
  notifications: Notification[]
  /** Resolves with the first notification (already received or still to come) that matches. */
  notification(match: (n: Notification) => boolean): Promise<Notification>
  /** The process's exit, or the in-process command's return. */
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>
  /**
   * Closes the client (stdin end, then SIGKILL if the process is still there) and waits for the server
   * to be gone; in-process, fails if the server reached the process around the IO seam.
   */
  close(): Promise<void>
}

export interface StartOptions {
  clientCapabilities?: Record<string, unknown>
  /** Run the built binary as a process of its own, rather than the command in this process. */
  spawn?: boolean
}

const sessions = new Set<McpSession>()

/** Sessions a test forgot to close are closed after it. */
afterEach(async () => {
  await Promise.all([...sessions].map((s) => s.close()))
})

/** `mcp serve` in this process: write to its stdin, read its stdout as it comes. */
export interface InProcessServer {
  write: (text: string) => void
  /** Ends its stdin, as a client that goes away: the server shuts down and the command returns. */
  end: () => void
  onStdout: (listener: (text: string) => void) => void
  stdout: () => string
  stderr: () => string
  /** The command's outcome; rejects if it reached the process around the IO seam. */
  done: Promise<CliResult>
}

export async function serveInProcess(env: NodeJS.ProcessEnv, args: string[]): Promise<InProcessServer> {
  const stdin = new PassThrough()
  const listeners: ((text: string) => void)[] = []
  const run = await startCli(['mcp', 'serve', ...args], {
    env,
    stdin,
    onStdout: (text) => setImmediate(() => listeners.forEach((l) => l(text))),
    cwd: env.HOME ?? ROOT,
  })
  // As over a pipe, what one side writes reaches the other in a later turn of the event loop: a client
  // calling in a loop must not starve the server's timers and sockets.
  const later = (fn: () => void) => run.inScope(() => setImmediate(fn))
  return {
    write: (text) => later(() => stdin.write(text)),
    end: () => later(() => stdin.end()),
    onStdout: (listener) => listeners.push(listener),
    stdout: () => run.io.output().stdout,
    stderr: () => run.io.output().stderr,
    done: run.done,
  }
}

/** The client side of the in-process server's stdio: newline-delimited JSON-RPC, as StdioClientTransport. */
class InProcessTransport implements Transport {
  onclose?: () => void
  onerror?: (error: Error) => void
  onmessage?: (message: JSONRPCMessage) => void
  private readonly buffer = new ReadBuffer()
  private closed = false

  constructor(private readonly server: InProcessServer) {}

  start(): Promise<void> {
    this.server.onStdout((text) => {
      this.buffer.append(Buffer.from(text, 'utf8'))
      for (;;) {
        let message: JSONRPCMessage | null
        try {
          message = this.buffer.readMessage()
        } catch (error) {
          this.onerror?.(error as Error)
          continue
        }
        if (!message) break
        this.onmessage?.(message)
      }
    })
    void this.server.done.then(
      () => this.close(),
      () => this.close(),
    )
    return Promise.resolve()
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (!this.closed) this.server.write(serializeMessage(message))
    return Promise.resolve()
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.closed = true
    this.server.end()
    this.onclose?.()
    return Promise.resolve()
  }
}

// Every client checks structuredContent against the tool's output schema, as any client does; the
// compiled checks are kept for the process (the schemas are the same each time), not per client.
const ajv = new AjvJsonSchemaValidator()
const compiled = new Map<string, JsonSchemaValidator<unknown>>()
const sharedValidators: jsonSchemaValidator = {
  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    const key = JSON.stringify(schema)
    let validator = compiled.get(key)
    if (!validator) compiled.set(key, (validator = ajv.getValidator(schema)))
    return validator as JsonSchemaValidator<T>
  },
}

export async function startMcp(env: NodeJS.ProcessEnv, args: string[] = [], opts: StartOptions = {}): Promise<McpSession> {
  const client = new Client(
    {name: 'codegenapi-test', version: '1.0.0'},
    {capabilities: opts.clientCapabilities ?? {}, jsonSchemaValidator: sharedValidators},
  )
  const notifications: Notification[] = []
  const waiting = new Set<{match: (n: Notification) => boolean; resolve: (n: Notification) => void}>()
  client.fallbackNotificationHandler = async (n) => {
    notifications.push(n)
    for (const w of [...waiting]) {
      if (w.match(n)) {
        waiting.delete(w)
        w.resolve(n)
      }
    }
  }
  const notification = (match: (n: Notification) => boolean) => {
    const found = notifications.find(match)
    if (found) return Promise.resolve(found)
    return new Promise<Notification>((resolve) => waiting.add({match, resolve}))
  }
  // CODEGENAPI_TEST_MCP=spawn runs every session against the built binary, as a check of the seam.
  const session =
    opts.spawn || process.env.CODEGENAPI_TEST_MCP === 'spawn'
      ? await spawned({client, notifications, notification}, env, args)
      : await inProcess({client, notifications, notification}, env, args)
  sessions.add(session)
  return session
}

/** What both kinds of session share: the client and the notifications it received. */
type ClientSide = Pick<McpSession, 'client' | 'notifications' | 'notification'>

async function inProcess(side: ClientSide, env: NodeJS.ProcessEnv, args: string[]): Promise<McpSession> {
  const {client} = side
  const server = await serveInProcess(env, args)
  // Resolves either way: a failure is reported by close().
  const exited = server.done.then(
    (r) => ({code: r.code, signal: null}),
    () => ({code: null, signal: null}),
  )
  try {
    await Promise.race([
      client.connect(new InProcessTransport(server)),
      // A server that refuses to start (a usage error) returns before it answers.
      exited.then((r) => Promise.reject(new Error(`mcp serve returned (exit code ${String(r.code)}) before it answered`))),
    ])
  } catch (error) {
    server.end()
    const outcome = await server.done.then(
      (r) => `exit code ${String(r.code)}`,
      (e: Error) => e.message,
    )
    throw new Error(`The MCP server did not start: ${(error as Error).message} (${outcome})\nstderr:\n${server.stderr()}`, {
      cause: error,
    })
  }
  const session: McpSession = {
    ...side,
    stdout: server.stdout,
    stderr: server.stderr,
    exited,
    async close() {
      sessions.delete(session)
      await client.close().catch(() => undefined)
      await server.done
    },
  }
  return session
}

async function spawned(side: ClientSide, env: NodeJS.ProcessEnv, args: string[]): Promise<McpSession> {
  const {client} = side
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', 'serve', ...args],
    env: env as Record<string, string>,
    cwd: env.HOME ?? ROOT,
    stderr: 'pipe',
  })
  let stderr = ''
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')))
  let stdout = ''
  let exited!: McpSession['exited']
  let proc!: ChildProcess
  const record = () => allOutputs.push({args: ['mcp', 'serve', ...args], text: `${stdout}\n${stderr}`})
  // Tap the child's stdout from the moment it exists, before the first byte of the protocol.
  const start = transport.start.bind(transport)
  transport.start = async () => {
    await start()
    proc = (transport as unknown as {_process: ChildProcess})._process
    proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')))
    exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({code, signal})))
    void exited.then(record)
  }
  try {
    await client.connect(transport)
  } catch (error) {
    if (proc && proc.exitCode === null) proc.kill('SIGKILL')
    throw new Error(`The MCP server did not start: ${(error as Error).message}\nstderr:\n${stderr}`, {cause: error})
  }
  const session: McpSession = {
    ...side,
    proc,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async close() {
      sessions.delete(session)
      await client.close().catch(() => undefined)
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
      await exited
    },
  }
  return session
}

/** The text of a tool result: its text blocks (the serialized data, then the note for the model). */
export function textOf(result: any): string {
  return (result?.content ?? [])
    .filter((c: any) => c.type === 'text')
    .map((c: any) => c.text as string)
    .join('\n')
}
