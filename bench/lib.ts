import {spawn} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const BIN = path.join(ROOT, 'bin', 'run.js')
export const PROBE = path.join(ROOT, 'bench', 'rss-probe.mjs')

/** One row of the bench's table (bench/run.ts prints them; bench/monitor.ts makes the monitor's). */
export interface BenchRow {
  figure: string
  measured: string
  baseline: string
  ratio: string
  target: string
  ok: boolean
}

export interface Timed {
  ms: number
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Spawns a process and times it from spawn to exit (wall clock). Async: the in-process fake keeps
 * answering. It runs in the sandbox's home (see sandboxEnv), as from a user's shell: the search for a
 * project config is part of what is measured.
 */
export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(cmd, args, {env, cwd: env.HOME, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ms: Number(process.hrtime.bigint() - started) / 1e6, code, stdout, stderr}))
  })
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]
}

/**
 * Median wall time of each command over `runs` rounds, after one warm-up run of each (so the file
 * cache is not what is measured). The commands take turns within every round, so a baseline and what
 * is compared with it see the same machine: a busy spell slows both, not one.
 */
export async function medianWalls(commands: {cmd: string; args: string[]}[], runs: number, env?: NodeJS.ProcessEnv): Promise<number[]> {
  for (const {cmd, args} of commands) await timed(cmd, args, env)
  const times = commands.map((): number[] => [])
  for (let i = 0; i < runs; i++) {
    for (const [j, {cmd, args}] of commands.entries()) {
      const r = await timed(cmd, args, env)
      if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(0, 500)}`)
      times[j].push(r.ms)
    }
  }
  return times.map(median)
}

// Scratch directories of this bench run, removed when it ends.
const scratch: string[] = []
process.once('exit', () => {
  for (const dir of scratch) fs.rmSync(dir, {recursive: true, force: true})
})
function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  scratch.push(dir)
  return dir
}

/** Peak RSS (MiB) of a process, read by the preloaded probe at exit. */
export async function peakRssMiB(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const file = path.join(scratchDir('cg-rss-'), 'rss')
  const r = await timed(cmd, args, {...env, CODEGENAPI_RSS_FILE: file, NODE_OPTIONS: `--import ${PROBE}`})
  if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr.slice(0, 300)}`)
  const kib = fs.readFileSync(file, 'utf8').trim().split('\n').map(Number)
  return Math.max(...kib) / 1024
}

export function sandboxEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = scratchDir('cg-bench-')
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_STATE_HOME: path.join(home, '.state'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    NO_COLOR: '1',
    ...extra,
  }
}

/**
 * A stdio transport to `codegenapi mcp serve` (or another server: `command`, `args`) run in the
 * sandbox's home with `env`, its stderr dropped: how every MCP row of the bench starts its server.
 */
export function mcpServeTransport(
  env: NodeJS.ProcessEnv,
  command = process.execPath,
  args: string[] = [BIN, 'mcp', 'serve'],
): StdioClientTransport {
  return new StdioClientTransport({command, args, env: env as Record<string, string>, cwd: env.HOME, stderr: 'ignore'})
}
