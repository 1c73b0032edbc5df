import {ChildProcess, spawn, type SpawnOptions} from 'node:child_process'
import fs from 'node:fs'

// Every child process a test starts must be gone when the test is over, whether it passed or not:
// a leaked child (an `mcp serve --http`, a CLI stuck on a pipe) keeps mocha alive after its summary.
// Tests spawn through `spawnTracked`; test/hooks.ts stops what is left, and also finds children that
// were started some other way (an SDK transport, a library) by reading /proc.

const tracked = new Set<ChildProcess>()

/** Registers a child so that it is stopped after the test, or when the suite is interrupted. */
export function track<T extends ChildProcess>(child: T): T {
  tracked.add(child)
  child.once('exit', () => tracked.delete(child))
  return child
}

/** child_process.spawn, tracked. */
export const spawnTracked = ((command: string, args: string[], opts: SpawnOptions) => track(spawn(command, args, opts))) as typeof spawn

/** Resolves when the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** SIGTERM, then SIGKILL if it is still there after `graceMs`; resolves once it is gone. */
export async function stop(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = exited(child)
  child.kill('SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)))
  if ((await Promise.race([gone, late])) === 'late') child.kill('SIGKILL')
  clearTimeout(timer)
  await gone
}

/** Stops every tracked child still running; returns how each was started. */
export async function stopTracked(): Promise<string[]> {
  const left = [...tracked].filter((c) => c.exitCode === null && c.signalCode === null)
  await Promise.all(left.map((c) => stop(c)))
  return left.map((c) => c.spawnargs.join(' '))
}

/** Synchronous last resort (a signal handler, process exit): SIGKILL to every tracked child. */
export function killTrackedNow(): void {
  for (const c of tracked) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
}

// Every child this process starts, however (spawn, execFile, an SDK's transport), goes through
// ChildProcess#spawn: counted, so that a look at /proc can be skipped when none can be there.
let started = 0
// (An internal method, not in Node's types.)
const proto = ChildProcess.prototype as unknown as {spawn(this: ChildProcess, options: unknown): unknown}
// eslint-disable-next-line @typescript-eslint/unbound-method -- called below with its own `this`
const realSpawn = proto.spawn
proto.spawn = function (options) {
  started++
  return realSpawn.call(this, options)
}
let lastLook: {started: number; found: number} | undefined

export interface OsChild {
  pid: number
  command: string
}

/**
 * This process's children as the OS sees them (Linux /proc; elsewhere none), whoever started them.
 * esbuild's service process belongs to tsx, which compiles the tests: it is not a test's child.
 */
export function osChildren(): OsChild[] {
  // None were left at the last look, and none were started since: there are none (reading all of
  // /proc after each test costs more than most tests).
  if (lastLook && lastLook.found === 0 && lastLook.started === started) return []
  const children = lookInProc()
  lastLook = {started, found: children.length}
  return children
}

function lookInProc(): OsChild[] {
  let entries: string[]
  try {
    entries = fs.readdirSync('/proc')
  } catch {
    return []
  }
  const children: OsChild[] = []
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid !== process.pid) continue
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue
      const command = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim()
      if (/\besbuild\b.*--service/.test(command)) continue
      children.push({pid: Number(name), command})
    } catch {
      // Gone while we looked.
    }
  }
  return children
}

export function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}
