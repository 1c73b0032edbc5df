import type {ChildProcess} from 'node:child_process'
import {allOutputs, BIN} from '../helpers/cli.js'
import {spawnTracked} from '../helpers/processes.js'
import {serveInProcess as startInProcess} from './session.js'

// `mcp serve` on stdio spoken to line by line, without an SDK client in between: for what a client
// library would refuse to send (batches, bad JSON, task calls to the wrong tools). In this process by
// default, as session.ts; `spawn: true` for the built binary's real stdin and stdout.

export interface RawSession {
  /** The server's process (spawn: true only). */
  proc?: ChildProcess
  /** Writes one line (a string as is, anything else as JSON). */
  send(message: unknown): void
  /** Resolves with the first message (already received or to come) that matches. */
  next(match: (m: any) => boolean): Promise<any>
  /** The response to the request with this id. */
  response(id: string | number | null): Promise<any>
  messages: any[]
  stdout(): string
  stderr(): string
  close(): Promise<void>
}

const open = new Set<RawSession>()

/** Closes the sessions a test left open; call it in a suite before useFakeApi (whose sandbox goes after). */
export function closeRawSessions(): void {
  afterEach(async () => {
    await Promise.all([...open].map((s) => s.close()))
  })
}

export async function startRaw(
  env: NodeJS.ProcessEnv,
  args: string[] = [],
  capabilities: Record<string, unknown> = {},
  opts: {spawn?: boolean} = {},
): Promise<RawSession> {
  let stdout = ''
  let buffered = ''
  const messages: any[] = []
  const waiting = new Set<{match: (m: any) => boolean; resolve: (m: any) => void}>()
  const received = (d: string) => {
    stdout += d
    buffered += d
    let nl
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl)
      buffered = buffered.slice(nl + 1)
      if (!line.trim()) continue
      const message = JSON.parse(line)
      messages.push(message)
      for (const w of [...waiting])
        if (w.match(message)) {
          waiting.delete(w)
          w.resolve(message)
        }
    }
  }
  // The server: in this process (see session.ts), or the built binary (spawn: true, or CODEGENAPI_TEST_MCP=spawn).
  const server = opts.spawn || process.env.CODEGENAPI_TEST_MCP === 'spawn' ? spawned(env, args) : await serveInProcess(env, args)
  server.onStdout(received)
  const session: RawSession = {
    proc: server.proc,
    messages,
    send: (m) => server.write((typeof m === 'string' ? m : JSON.stringify(m)) + '\n'),
    next(match) {
      const found = messages.find(match)
      if (found) return Promise.resolve(found)
      return new Promise((resolve) => waiting.add({match, resolve}))
    },
    response: (id) => session.next((m) => m.id === id && ('result' in m || 'error' in m)),
    stdout: () => stdout,
    stderr: server.stderr,
    async close() {
      open.delete(session)
      await server.close()
      allOutputs.push({args: ['mcp', 'serve', ...args], text: `${stdout}\n${server.stderr()}`})
    },
  }
  open.add(session)
  session.send({
    jsonrpc: '2.0',
    id: 'init',
    method: 'initialize',
    params: {protocolVersion: '2025-11-25', capabilities, clientInfo: {name: 'raw', version: '0'}},
  })
  const init = await session.response('init')
  if (init.error) throw new Error(`initialize failed: ${JSON.stringify(init.error)}\n${server.stderr()}`)
  session.send({jsonrpc: '2.0', method: 'notifications/initialized'})
  return session
}

interface LineServer {
  proc?: ChildProcess
  write: (text: string) => void
  onStdout: (listener: (text: string) => void) => void
  stderr: () => string
  /** Ends stdin and waits for the server to be gone. */
  close: () => Promise<void>
}

function spawned(env: NodeJS.ProcessEnv, args: string[]): LineServer & {proc: ChildProcess} {
  const proc = spawnTracked(process.execPath, [BIN, 'mcp', 'serve', ...args], {env, cwd: env.HOME, stdio: ['pipe', 'pipe', 'pipe']})
  let stderr = ''
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  proc.stdout.setEncoding('utf8')
  const exited = new Promise<void>((resolve) => proc.once('close', () => resolve()))
  return {
    proc,
    write: (text) => proc.stdin.write(text),
    onStdout: (listener) => proc.stdout.on('data', listener),
    stderr: () => stderr,
    async close() {
      proc.stdin.end()
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}

async function serveInProcess(env: NodeJS.ProcessEnv, args: string[]): Promise<LineServer> {
  const server = await startInProcess(env, args)
  return {
    write: server.write,
    onStdout: server.onStdout,
    stderr: server.stderr,
    async close() {
      server.end()
      await server.done
    },
  }
}

export const callTool = (id: number | string, name: string, args: unknown, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: {name, arguments: args, ...extra},
})
