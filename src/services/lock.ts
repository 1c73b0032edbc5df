import {randomBytes} from 'node:crypto'
// fs.promises, read on first use: `list` writes nothing, and node:fs/promises costs ~1 ms to load.
import {promises as fs} from 'node:fs'
import path from 'node:path'

// Cross-process exclusion in the state directory: a lock file created with O_EXCL that names its
// holder (pid) and when its lease ends. A holder that died (no such pid) or overstayed its lease is
// broken. Used around every read-merge-write of the state file (F-63).

interface LockContent {
  pid: number
  expires: number
  token: string
}

export interface LockOptions {
  /** How long a holder may keep it before others may break it. */
  leaseMs?: number
  /** How long to wait for it before giving up with an error. */
  timeoutMs?: number
}

/** The lock stayed held by a live process past the wait allowed. */
export class LockTimeout extends Error {}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** True while a process with this pid exists (EPERM: it exists, owned by someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function readLock(file: string): Promise<{raw: string; content?: LockContent} | undefined> {
  let raw: string
  try {
    raw = await fs.readFile(file, 'utf8')
  } catch {
    return undefined
  }
  try {
    const c = JSON.parse(raw) as LockContent
    return typeof c?.pid === 'number' && typeof c.expires === 'number' ? {raw, content: c} : {raw}
  } catch {
    return {raw}
  }
}

/** Runs `fn` while holding `lockFile`; the lock is released however `fn` ends. */
export async function withLock<T>(lockFile: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const leaseMs = opts.leaseMs ?? 15_000
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000)
  const token = randomBytes(8).toString('hex')
  let delay = 4
  for (;;) {
    try {
      const handle = await fs.open(lockFile, 'wx', 0o600)
      try {
        await handle.writeFile(JSON.stringify({pid: process.pid, expires: Date.now() + leaseMs, token} satisfies LockContent))
      } finally {
        await handle.close()
      }
      break
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') {
        await fs.mkdir(path.dirname(lockFile), {recursive: true, mode: 0o700})
        continue
      }
      if (code !== 'EEXIST') throw error
    }
    const held = await readLock(lockFile)
    if (held && (await isStale(lockFile, held))) {
      // Broken only if it is still the same stale lock (another process may have broken it already).
      const again = await readLock(lockFile)
      if (again?.raw === held.raw) await fs.rm(lockFile, {force: true})
      continue
    }
    if (Date.now() > deadline) {
      const who = held?.content ? ` (process ${held.content.pid})` : ''
      throw new LockTimeout(`${lockFile} is held by another codegenapi process${who}; try again, or remove the file if no codegenapi runs.`)
    }
    await pause(delay + Math.random() * delay)
    delay = Math.min(40, delay * 1.5)
  }
  try {
    return await fn()
  } finally {
    const mine = await readLock(lockFile)
    if (mine?.content?.token === token) await fs.rm(lockFile, {force: true}).catch(() => undefined)
  }
}

async function isStale(file: string, held: {content?: LockContent}): Promise<boolean> {
  if (held.content) return held.content.expires < Date.now() || !pidAlive(held.content.pid)
  // Half-written (its holder is between open and write) or garbage: stale once it is old.
  const stat = await fs.stat(file).catch(() => undefined)
  return stat !== undefined && Date.now() - stat.mtimeMs > 2000
}

/**
 * A claim nobody else can take: the file is created only if it does not exist (O_EXCL). True when
 * this process made it. The file stays: it is the record that the claim was made.
 */
export async function claim(file: string, content: Record<string, unknown>): Promise<boolean> {
  await fs.mkdir(path.dirname(file), {recursive: true, mode: 0o700})
  try {
    const handle = await fs.open(file, 'wx', 0o600)
    try {
      await handle.writeFile(JSON.stringify({...content, pid: process.pid, at: new Date().toISOString()}) + '\n')
    } finally {
      await handle.close()
    }
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
}

/** Gives a claim back (the work it covered was refused and may be tried again). */
export const release = (file: string) => fs.rm(file, {force: true})
