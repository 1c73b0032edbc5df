// The one seam between a command and the world outside it, as gh's IOStreams and factory: where its
// output goes, where input comes from, whether those are terminals, the environment and working
// directory it sees, the clock, the API request budget and the exit code. A real run gets the
// process's; a test runs commands in-process with its own (test/helpers/cli.ts), and two such runs
// at once each see only theirs. Commands reach it as `this.io` (src/base-command.ts) and hand
// `this.contextOptions` to the services, which read env and cwd from there, never from `process`.
import {AsyncLocalStorage} from 'node:async_hooks'
import type {RateLimiter} from './api/rate-limiter.js'

export interface CommandIO {
  readonly stdout: NodeJS.WriteStream
  readonly stderr: NodeJS.WriteStream
  readonly stdin: NodeJS.ReadStream
  readonly env: NodeJS.ProcessEnv
  readonly cwd: string
  now(): number
  /** The run's exit code: process.exitCode in a real run. */
  exitCode: number | undefined
  /** The API's request budget, shared by everything this run sends (default: the process's). */
  readonly limiter?: RateLimiter
  /** Set on the process's IO only (there may be a copy of this module, and of it, per module system). */
  readonly real?: boolean
}

/** The process's own streams, environment, directory and clock. */
export const processIO: CommandIO = {
  real: true,
  get stdout() {
    return process.stdout
  },
  get stderr() {
    return process.stderr
  },
  get stdin() {
    return process.stdin
  },
  get env() {
    return process.env
  },
  get cwd() {
    return process.cwd()
  },
  now: () => Date.now(),
  get exitCode() {
    return typeof process.exitCode === 'number' ? process.exitCode : undefined
  },
  set exitCode(code) {
    process.exitCode = code
  },
}

// One store per process even if this module is loaded twice (under tsx, a CommonJS copy for code that
// was required and an ES module copy for code that was imported): the seam must be the same for both.
const STORE = Symbol.for('codegenapi.io')
const storage = ((globalThis as {[STORE]?: AsyncLocalStorage<CommandIO>})[STORE] ??= new AsyncLocalStorage<CommandIO>())

/** The IO of the command line being run here: a test's inside `withIO`, else the process's. */
export function currentIO(): CommandIO {
  return storage.getStore() ?? processIO
}

/**
 * Runs `fn` (a whole command line) against `io`: everything it starts, sync or async, sees it. A real
 * run needs no store (currentIO() falls back to the process's), and takes none: once a store is in use,
 * Node tracks it through every promise, ~10% of a `list` run's instructions.
 */
export function withIO<T>(io: CommandIO, fn: () => Promise<T>): Promise<T> {
  return io.real ? fn() : storage.run(io, fn)
}

/** True inside `withIO` with an IO other than the process's (a test's in-process run). */
export function inProcessRun(): boolean {
  const io = storage.getStore()
  return io !== undefined && !io.real
}
