import {Client} from '@modelcontextprotocol/sdk/client/index.js'
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js'
import type {ChildProcess} from 'node:child_process'
import {allOutputs, BIN, ROOT} from '../helpers/cli.js'

// A real MCP client (the SDK's Client + StdioClientTransport) talking to the built binary,
// `node bin/run.js mcp serve`, with the raw stdout and stderr kept for checks.

export interface Notification {
  method: string
  params?: Record<string, any>
}

export interface McpSession {
  client: Client
  proc: ChildProcess
  /** Everything the server wrote on stdout, as received. */
  stdout(): string
  stderr(): string
  notifications: Notification[]
  /** Resolves with the first notification (already received or still to come) that matches. */
  notification(match: (n: Notification) => boolean): Promise<Notification>
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>
  /** Closes the client (stdin end, then SIGTERM if needed) and waits for the process to be gone. */
  close(): Promise<void>
}

const sessions = new Set<McpSession>()

/** Sessions a test forgot to close are closed after it. */
afterEach(async () => {
  await Promise.all([...sessions].map((s) => s.close()))
})

export async function startMcp(
  env: NodeJS.ProcessEnv,
  args: string[] = [],
  opts: {clientCapabilities?: Record<string, unknown>} = {},
): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', 'serve', ...args],
    env: env as Record<string, string>,
    cwd: env.HOME ?? ROOT,
    stderr: 'pipe',
  })
  let stderr = ''
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')))
  const client = new Client({name: 'codegenapi-test', version: '1.0.0'}, {capabilities: opts.clientCapabilities ?? {}})
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
    client,
    proc,
    stdout: () => stdout,
    stderr: () => stderr,
    notifications,
    notification(match) {
      const found = notifications.find(match)
      if (found) return Promise.resolve(found)
      return new Promise((resolve) => waiting.add({match, resolve}))
    },
    exited,
    async close() {
      sessions.delete(session)
      await client.close().catch(() => undefined)
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
      await exited
    },
  }
  sessions.add(session)
  return session
}

/** The text of a tool result: its text blocks (the serialized data, then the note for the model). */
export function textOf(result: any): string {
  return (result?.content ?? [])
    .filter((c: any) => c.type === 'text')
    .map((c: any) => c.text as string)
    .join('\n')
}
