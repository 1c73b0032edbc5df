import {randomBytes} from 'node:crypto'
import {readFileSync} from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {CodegenError} from '../api/errors.js'

/**
 * Writes a whole file or nothing: a temporary file in the same directory, fsynced, then renamed over
 * the target. Readers (and a concurrent writer) only ever see a complete file. Mode 0600, because
 * these files hold the API token and agent results. A symlinked file is written where the link points
 * (dotfile managers rely on it), directories made here are 0700 and existing ones keep their mode
 * ($HOME, a shared folder), and a failed write leaves no temporary file behind.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const target = await followLinks(file)
  const dir = path.dirname(target)
  await fs.mkdir(dir, {recursive: true, mode: 0o700})
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const handle = await fs.open(tmp, 'wx', 0o600)
    try {
      await handle.writeFile(content, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fs.rename(tmp, target)
  } catch (error) {
    await fs.rm(tmp, {force: true}).catch(() => undefined)
    throw error
  }
}

/** The path a chain of symlinks ends at (which may not exist yet); the path itself when it is no link. */
async function followLinks(file: string): Promise<string> {
  let current = path.resolve(file)
  for (let hops = 0; hops < 40; hops++) {
    let link: string
    try {
      link = await fs.readlink(current)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EINVAL' || code === 'ENOENT' || code === 'UNKNOWN') return current
      throw error
    }
    current = path.resolve(path.dirname(current), link)
  }
  throw new CodegenError('config', `${file}: too many levels of symbolic links.`)
}

/**
 * Runs `fn` while holding `<file>.lock`, so that read-modify-write cycles of several processes (two
 * `config set`, the CLI and an MCP server) do not lose each other's changes. A lock left by a process
 * that died is taken over; a live holder is waited for up to `timeoutMs`.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, opts: {timeoutMs?: number} = {}): Promise<T> {
  const lock = `${path.resolve(file)}.lock`
  await fs.mkdir(path.dirname(lock), {recursive: true, mode: 0o700})
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000)
  for (let attempt = 0; ; attempt++) {
    let handle
    try {
      handle = await fs.open(lock, 'wx', 0o600)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      if (await takeOverStale(lock)) continue
      if (Date.now() > deadline) {
        throw new CodegenError('config', `${file} is locked by another codegenapi process (${lock}).`, {
          hint: `If no codegenapi process is running, delete ${lock}.`,
        })
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, 5 * 2 ** Math.min(attempt, 5)) + Math.random() * 10))
      continue
    }
    try {
      await handle.writeFile(`${process.pid} ${os.hostname()}\n`, 'utf8')
    } finally {
      await handle.close()
    }
    try {
      return await fn()
    } finally {
      await fs.rm(lock, {force: true})
    }
  }
}

/** Removes a lock whose holder is gone: a dead process on this host, or an old lock from elsewhere. */
async function takeOverStale(lock: string): Promise<boolean> {
  let text: string
  let age: number
  try {
    text = await fs.readFile(lock, 'utf8')
    age = Date.now() - (await fs.stat(lock)).mtimeMs
  } catch {
    return true // gone meanwhile: try again at once
  }
  const [pid, host] = text.trim().split(' ')
  const dead = host === os.hostname() && Number(pid) > 0 ? !isAlive(Number(pid)) : age > 30_000
  if (!dead) return false
  await fs.rm(lock, {force: true})
  return true
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Reads a JSON file; a missing file is `undefined`, an unreadable or corrupt one a clear error naming it. */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (error) {
    return missingOrUnreadable(error, file, what)
  }
  return parseJsonText(text, file, what)
}

/**
 * The same, read in place: for the small file a command reads before anything else can run (the user
 * config), where an asynchronous read would start libuv's thread pool (four threads) for nothing. Not
 * for files a long-running process reads (the run state): a slow disk would stall its event loop.
 */
export function readJsonFileSync(file: string, what: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    return missingOrUnreadable(error, file, what)
  }
  return parseJsonText(text, file, what)
}

function missingOrUnreadable(error: unknown, file: string, what: string): undefined {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return undefined
  throw new CodegenError('config', `Cannot read the ${what} ${file} (${code ?? 'error'}).`, {
    hint: `Check the file's permissions, or remove it.`,
  })
}

function parseJsonText(text: string, file: string, what: string): unknown {
  // Editors on Windows may start a UTF-8 file with a byte-order mark; JSON.parse refuses it.
  const body = text.replace(/^\uFEFF/, '')
  if (body.trim() === '') return undefined
  try {
    return JSON.parse(body)
  } catch (error) {
    throw new CodegenError('config', `The ${what} ${file} is not valid JSON (${(error as Error).message}).`, {
      hint: `Fix or delete the file.`,
    })
  }
}
