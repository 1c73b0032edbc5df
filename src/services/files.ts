import {randomBytes} from 'node:crypto'
import {readFileSync} from 'node:fs'
// fs.promises, read on first use: `list` writes nothing, and node:fs/promises costs ~1 ms to load.
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {CodegenError} from '../api/errors.js'
import {LockTimeout, withLock} from './lock.js'

/**
 * Writes a whole file or nothing: a temporary file in the same directory, fsynced, then renamed over
 * the target. Readers (and a concurrent writer) only ever see a complete file. Mode 0600, because
 * these files hold the API token and agent results. A symlinked file is written where the link points
 * (dotfile managers rely on it), directories made here are 0700 and existing ones keep their mode
 * ($HOME, a shared folder), and a failed write leaves no temporary file behind.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const target = await followLinks(file)
  const dir = path.dirname(target)
  await fs.mkdir(dir, {recursive: true, mode: 0o700})
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const handle = await fs.open(tmp, 'wx', 0o600)
    try {
      await handle.writeFile(content)
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
 * `config set`, the CLI and an MCP server) do not lose each other's changes. The lock is the state
 * store's (services/lock.ts): one lock, with a lease, a dead holder's lock broken.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, opts: {timeoutMs?: number} = {}): Promise<T> {
  const lock = `${path.resolve(file)}.lock`
  try {
    return await withLock(lock, fn, {timeoutMs: opts.timeoutMs})
  } catch (error) {
    if (error instanceof LockTimeout) {
      throw new CodegenError('config', `${file} is locked by another codegenapi process (${lock}).`, {
        hint: `If no codegenapi process is running, delete ${lock}.`,
      })
    }
    throw error
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
