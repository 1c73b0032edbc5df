import {AsyncLocalStorage} from 'node:async_hooks'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {run} from '../../src/cli.js'
import {loadDevCli, type DevCli} from '../../src/dev-cli.js'
import {withIO} from '../../src/io.js'
import {createTestIO, installInProcessGuards, type TestIO, type TestIOOptions} from './in-process.js'
import {spawnTracked} from './processes.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const BIN = path.join(ROOT, 'bin', 'run.js')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Every output of every spawned process: a root hook greps them all for the test token. */
export const allOutputs: {args: string[]; text: string}[] = []

/** A private HOME with its own config, state and cache dirs, and nothing inherited from the developer's. */
export class Sandbox {
  readonly home: string
  constructor() {
    this.home = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenapi-test-'))
  }
  get configDir() {
    return path.join(this.home, '.config', 'codegenapi')
  }
  get configFile() {
    return path.join(this.configDir, 'config.json')
  }
  get stateDir() {
    return path.join(this.home, '.local', 'state', 'codegenapi')
  }

  env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: this.home,
      USERPROFILE: this.home,
      XDG_CONFIG_HOME: path.join(this.home, '.config'),
      XDG_STATE_HOME: path.join(this.home, '.local', 'state'),
      XDG_CACHE_HOME: path.join(this.home, '.cache'),
      NO_COLOR: '1',
      CODEGENAPI_RETRY_BASE_MS: '20',
      CODEGENAPI_POLL_MS: '100',
      ...extra,
    }
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k]
    return env
  }

  remove() {
    fs.rmSync(this.home, {recursive: true, force: true})
  }
}

export interface RunOptions {
  env: NodeJS.ProcessEnv
  input?: string
  cwd?: string
  timeoutMs?: number
}

export interface BinOptions extends RunOptions {
  /** Options for node itself, before bin/run.js (e.g. V8 flags). */
  nodeArgs?: string[]
  /** The script to run (default bin/run.js, the built CLI). */
  bin?: string
}

let devCli: Promise<DevCli> | undefined

/** A command line running in this process: see startCli. */
export interface CliRun {
  io: TestIO
  /** Runs `fn` in the run's async context, so that what it sets off (a write to stdin) is the run's. */
  inScope<T>(fn: () => T): T
  /** The outcome, once the command has returned; rejects if it reached the process around the seam. */
  done: Promise<CliResult>
}

/**
 * Starts a command line in this process, from the sources, against a test IO (src/io.ts), and returns
 * while it runs: for a command that serves (`mcp serve`), whose stdin the test keeps writing to.
 */
export async function startCli(args: string[], opts: RunOptions & Pick<TestIOOptions, 'stdin' | 'onStdout'>): Promise<CliRun> {
  installInProcessGuards()
  const cli = await (devCli ??= loadDevCli())
  const io = createTestIO({
    env: opts.env,
    cwd: opts.cwd ?? opts.env.HOME ?? ROOT,
    input: opts.input ?? '',
    stdin: opts.stdin,
    onStdout: opts.onStdout,
  })
  // A stream's events run in the context of whoever emits them: writes to stdin must be the run's.
  const inScope = await withIO(io, () => Promise.resolve(AsyncLocalStorage.snapshot()))
  const exitCodeBefore = process.exitCode
  const done = run(args, cli.root, cli.pjson, cli.commands, {io, plugins: cli.plugins()}).then((): CliResult => {
    const {stdout, stderr} = io.output()
    allOutputs.push({args, text: stdout + '\n' + stderr})
    // (A dependency may set it to 0 as it loads, as jq-wasm's runtime does: only a failure code is a command's.)
    const exitCodeAfter = process.exitCode
    if (exitCodeAfter !== exitCodeBefore) {
      process.exitCode = exitCodeBefore
      if (exitCodeAfter) io.violations.push(`process.exitCode was set to ${String(exitCodeAfter)} (use this.io.exitCode)`)
    }
    if (io.violations.length > 0) {
      throw new Error(
        `codegenapi ${args.join(' ')} reached the process around the IO seam (src/io.ts):\n  ${[...new Set(io.violations)].join('\n  ')}`,
      )
    }
    return {code: io.exitCode ?? 0, stdout, stderr}
  })
  return {io, inScope, done}
}

/**
 * Runs a command line in this process, from the sources, against a test IO (src/io.ts): what most
 * command tests need, with no build and no process start. Its output, exit code and stdin are the
 * run's own. Start-up, signals, stdio MCP framing and terminals need a real process: runBin.
 */
export async function runCli(args: string[], opts: RunOptions): Promise<CliResult> {
  const {io, done} = await startCli(args, opts)
  const timeoutMs = opts.timeoutMs ?? 20_000
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const {stdout, stderr} = io.output()
      reject(new Error(`codegenapi ${args.join(' ')} did not finish in ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, timeoutMs)
  })
  try {
    return await Promise.race([done, timedOut])
  } finally {
    clearTimeout(timer)
  }
}

/** Runs the built CLI (bin/run.js) as a process of its own, as a user's shell would. */
export function runBin(args: string[], opts: BinOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnTracked(process.execPath, [...(opts.nodeArgs ?? []), opts.bin ?? BIN, ...args], {
      env: opts.env,
      cwd: opts.cwd ?? opts.env.HOME,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(`codegenapi ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 20_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`),
      )
    }, opts.timeoutMs ?? 20_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      allOutputs.push({args, text: stdout + '\n' + stderr})
      resolve({code, stdout, stderr})
    })
    child.stdin.end(opts.input ?? '')
  })
}

export function parseJson<T = any>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`)
  }
}

/** Runs the CLI on a pseudo-terminal (python3's pty), typing `steps` answers at its prompts. */
export function runOnTty(
  args: string[],
  opts: {env: NodeJS.ProcessEnv; steps: [string, string][]},
): Promise<{code: number; output: string; unanswered: string[]}> {
  return new Promise((resolve, reject) => {
    const child = spawnTracked('python3', [path.join(ROOT, 'test', 'helpers', 'pty-run.py')], {stdio: ['pipe', 'pipe', 'inherit']})
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('close', () => {
      try {
        const result = JSON.parse(out) as {code: number; output: string; unanswered: string[]}
        allOutputs.push({args, text: result.output})
        resolve(result)
      } catch {
        reject(new Error(`pty-run.py printed no result: ${out}`))
      }
    })
    child.stdin.end(
      JSON.stringify({argv: [process.execPath, BIN, ...args], env: {...opts.env, TERM: 'xterm'}, cwd: opts.env.HOME, steps: opts.steps}),
    )
  })
}
