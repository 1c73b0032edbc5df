// Commands run inside the mocha process against a test's own IO (src/io.ts): no build, no process to
// start. Three things make that safe and honest:
// - oclif's own output (help, unknown-command errors) goes through console.*: routed to the run's IO.
// - Our sources must reach the outside world only through the seam. While a command runs in-process,
//   a read of process.env, process.stdout/stderr/stdin or process.cwd() from a file under src/ is
//   answered from the run's IO (so it cannot touch the developer's real HOME) and recorded: runCli
//   fails the test, naming the line.
// - Setting process.exitCode or calling process.exit from a command would hit mocha: caught too.
import {Readable, Writable} from 'node:stream'
import path from 'node:path'
import {format} from 'node:util'
import {RateLimiter} from '../../src/api/rate-limiter.js'
import {currentIO, inProcessRun, type CommandIO} from '../../src/io.js'

const SRC = `${path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../src')}${path.sep}`
const SEAM = `${SRC}io.ts`

export interface TestIO extends CommandIO {
  output(): {stdout: string; stderr: string}
  /** Reads of the process where the seam should have been used, as "what (where)". */
  violations: string[]
}

function collector(tty: boolean, tap?: (text: string) => void): {stream: NodeJS.WriteStream; text: () => string} {
  let text = ''
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      const part = typeof chunk === 'string' ? chunk : chunk.toString('utf8')
      text += part
      tap?.(part)
      callback()
    },
  })
  Object.assign(stream, {isTTY: tty})
  return {stream: stream as unknown as NodeJS.WriteStream, text: () => text}
}

export interface TestIOOptions {
  env: NodeJS.ProcessEnv
  cwd: string
  /** All of stdin, at once... */
  input?: string
  /** ...or a stream the test keeps writing to (an MCP client's messages). */
  stdin?: Readable
  /** Told of each write to stdout as it happens. */
  onStdout?: (text: string) => void
}

export function createTestIO(opts: TestIOOptions): TestIO {
  const out = collector(false, opts.onStdout)
  const err = collector(false)
  const stdin = opts.stdin ?? Readable.from(opts.input ? [Buffer.from(opts.input)] : [])
  Object.assign(stdin, {isTTY: false})
  let exitCode: number | undefined
  return {
    stdout: out.stream,
    stderr: err.stream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    env: opts.env,
    cwd: opts.cwd,
    now: () => Date.now(),
    // A process of its own would have its own request budget.
    limiter: new RateLimiter(),
    get exitCode() {
      return exitCode
    },
    set exitCode(code) {
      exitCode = code
    },
    output: () => ({stdout: out.text(), stderr: err.text()}),
    violations: [],
  }
}

/** The file that made the current call into a guard: raw call sites, no source-mapped stack text. */
function callerFile(): string {
  const limit = Error.stackTraceLimit
  // Saved to be put back as it was (never called here).
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const prepare = Error.prepareStackTrace
  Error.stackTraceLimit = 3
  Error.prepareStackTrace = (_error, sites) => sites
  const holder: {stack?: NodeJS.CallSite[]} = {}
  // [0] ourCaller, [1] the guard, [2] whoever touched `process`.
  Error.captureStackTrace(holder, callerFile)
  const sites = holder.stack ?? []
  Error.prepareStackTrace = prepare
  Error.stackTraceLimit = limit
  const file = sites[2]?.getFileName() ?? ''
  return file.startsWith('file://') ? new URL(file).pathname : file
}

/** The source line that made the current call into a guard, if it is one of ours (under src/). */
function ourCaller(): string | undefined {
  // Most reads are a dependency's (oclif reads the environment often): decided without a stack text,
  // whose source-mapped formatting would cost more than the command.
  const file = callerFile()
  if (!file.startsWith(SRC) || file === SEAM) return undefined
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 4
  const stack = new Error().stack?.split('\n') ?? []
  Error.stackTraceLimit = limit
  // [0] "Error", [1] ourCaller, [2] the guard, [3] whoever touched `process`.
  const frame = stack[3] ?? ''
  const at = /\((?:file:\/\/)?(.*?:\d+):\d+\)$|at (?:file:\/\/)?(.*?:\d+):\d+$/.exec(frame.trim())
  const where = at?.[1] ?? at?.[2] ?? file
  return path.relative(path.dirname(SRC), where)
}

function record(what: string, where: string): void {
  const io = currentIO() as TestIO
  io.violations?.push(`${what} (${where})`)
}

// Once per process, even if this module is loaded twice (required, and imported).
const INSTALLED = Symbol.for('codegenapi.test.in-process-guards')

/** Installs the console routing and the guards on `process`, once per mocha process. */
export function installInProcessGuards(): void {
  const flags = globalThis as {[INSTALLED]?: boolean}
  if (flags[INSTALLED]) return
  flags[INSTALLED] = true

  for (const [method, stream] of [
    ['log', 'stdout'],
    ['info', 'stdout'],
    ['debug', 'stdout'],
    ['error', 'stderr'],
    ['warn', 'stderr'],
  ] as const) {
    const original = console[method].bind(console)
    console[method] = (...args: unknown[]) => {
      if (!inProcessRun()) return original(...args)
      currentIO()[stream].write(`${format(...args)}\n`)
    }
  }

  for (const name of ['stdout', 'stderr', 'stdin'] as const) {
    const real = Object.getOwnPropertyDescriptor(process, name)!
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable: true,
      get() {
        if (inProcessRun()) {
          const where = ourCaller()
          if (where) {
            record(`process.${name}`, where)
            return currentIO()[name]
          }
        }
        return real.get!.call(process) as unknown
      },
    })
  }

  const realEnv = process.env
  Object.defineProperty(process, 'env', {
    configurable: true,
    enumerable: true,
    get() {
      if (inProcessRun()) {
        const where = ourCaller()
        if (where) {
          record('process.env', where)
          return currentIO().env
        }
      }
      return realEnv
    },
    set(value: NodeJS.ProcessEnv) {
      Object.assign(realEnv, value)
    },
  })

  const realCwd = process.cwd.bind(process)
  process.cwd = () => {
    if (inProcessRun()) {
      const where = ourCaller()
      if (where) {
        record('process.cwd()', where)
        return currentIO().cwd
      }
    }
    return realCwd()
  }

  const realExit = process.exit.bind(process)
  process.exit = (code?: number) => {
    if (inProcessRun()) {
      record(`process.exit(${code ?? ''})`, ourCaller() ?? 'a dependency')
      throw new Error('process.exit() in an in-process run: a command must leave by returning, with io.exitCode set')
    }
    return realExit(code)
  }
}
