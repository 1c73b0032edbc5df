import {randomBytes} from 'node:crypto'
import {readFileSync} from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import {CodegenError} from '../api/errors.js'

/**
 * Writes a whole file or nothing: a temporary file in the same directory, fsynced, then renamed over
 * the target. Readers (and a concurrent writer) only ever see a complete file. Mode 0600 in a 0700
 * directory, because these files hold the API token and agent results.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const dir = path.dirname(file)
  await fs.mkdir(dir, {recursive: true, mode: 0o700})
  if (process.platform !== 'win32') await fs.chmod(dir, 0o700).catch(() => undefined)
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  const handle = await fs.open(tmp, 'wx', 0o600)
  try {
    await handle.writeFile(content, 'utf8')
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await fs.rename(tmp, file)
  } catch (error) {
    await fs.rm(tmp, {force: true})
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
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new CodegenError('config', `The ${what} ${file} is not valid JSON (${(error as Error).message}).`, {
      hint: `Fix or delete the file.`,
    })
  }
}
