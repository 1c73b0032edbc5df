import fs from 'node:fs'
import path from 'node:path'
// node:readline is loaded by oclif's parser anyway; readline/promises would be a module more.
import {createInterface} from 'node:readline'
import {StringDecoder} from 'node:string_decoder'
import {usageError} from '../api/errors.js'
import {MAX_PROMPT_CHARS} from '../services/tasks.js'
import {oneLine} from '../output/sanitize.js'
import type {CommandIO} from '../io.js'

/** Tokens, org ids and URLs are short: more than this on stdin is not one of them. */
export const MAX_SECRET_CHARS = 4096

/** Ctrl-C at one of our prompts; the base command exits 130 for it, as a shell does for SIGINT. */
export class Cancelled extends Error {
  override name = 'Cancelled'
  constructor() {
    super('Cancelled.')
  }
}

/**
 * Text from a stream, refusing more than `maxChars` characters: reading stops there, so a huge pipe or
 * `/dev/zero` costs a bounded amount of memory and time, not all of it.
 */
export async function readCapped(stream: NodeJS.ReadableStream, maxChars: number, what: string, hint?: string): Promise<string> {
  const decoder = new StringDecoder('utf8')
  let text = ''
  // Leaving the loop early (the throw) destroys the stream.
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : decoder.write(chunk)
    if (text.length > maxChars) throw usageError(`${what} is longer than ${maxChars.toLocaleString('en-US')} characters.`, hint)
  }
  return text + decoder.end()
}

/** All of stdin as text (a token, by default, or a prompt), up to `maxChars`. */
export async function readStdin(
  stdin: NodeJS.ReadableStream,
  opts: {maxChars?: number; what?: string; hint?: string} = {},
): Promise<string> {
  const max = opts.maxChars ?? MAX_SECRET_CHARS
  const hint = opts.hint ?? (max === MAX_SECRET_CHARS ? 'A token or a setting is much shorter: pipe only that.' : undefined)
  return readCapped(stdin, max, opts.what ?? 'The input on stdin', hint)
}

/**
 * Whether something was piped or redirected into stdin, without waiting for a writer that may never
 * write: a terminal or /dev/null is no input; a file is input when it is not empty; a pipe is input
 * when its first bytes (or its end) arrive within `graceMs`.
 */
export async function stdinHasInput(stdin: NodeJS.ReadStream, graceMs = 150): Promise<boolean> {
  if (stdin.isTTY) return false
  // A stream with no file descriptor (a test's) is taken as a pipe.
  const fd = (stdin as {fd?: unknown}).fd
  if (typeof fd === 'number') {
    let stat: fs.Stats
    try {
      stat = fs.fstatSync(fd)
    } catch {
      return false
    }
    if (stat.isFile()) return stat.size > 0
    if (!stat.isFIFO() && !stat.isSocket()) return false
  }
  return new Promise((resolve) => {
    const finish = (input: boolean) => {
      clearTimeout(timer)
      stdin.off('data', onData)
      stdin.off('end', onEnd)
      stdin.off('error', onEnd)
      // Nothing else reads stdin in this command: let go of it, so the process can exit.
      stdin.destroy()
      resolve(input)
    }
    const onData = (chunk: Buffer | string) => chunk.length > 0 && finish(true)
    const onEnd = () => finish(false)
    const timer = setTimeout(() => finish(false), graceMs)
    stdin.on('data', onData)
    stdin.once('end', onEnd)
    stdin.once('error', onEnd)
  })
}

const PROMPT_HINT = `The API takes prompts of up to ${MAX_PROMPT_CHARS.toLocaleString('en-US')} characters.`
const PROMPT_WHAT = {what: 'The prompt', maxChars: MAX_PROMPT_CHARS, hint: PROMPT_HINT}

/**
 * The prompt, from `--query TEXT`, `--query -` (stdin), `--prompt-file FILE`, or piped stdin when
 * neither is given. No prompt at all, two sources at once (piped stdin is one), or a prompt past the
 * API's limit are usage errors, raised before anything is sent.
 */
export async function readPrompt(
  given: {query?: string; 'prompt-file'?: string; argument?: string},
  io: Pick<CommandIO, 'stdin' | 'stderr' | 'cwd'>,
): Promise<string> {
  // `new "Fix the login bug"`, as gh agent-task create takes it: the argument is the --query.
  const flags = given.argument === undefined ? given : {...given, query: given.argument}
  if (given.argument !== undefined && (given.query !== undefined || given['prompt-file'] !== undefined)) {
    throw usageError(
      `Give the prompt once: as the PROMPT argument or with ${given.query !== undefined ? '--query' : '--prompt-file'}, not both.`,
    )
  }
  if (flags.query !== undefined && flags['prompt-file'] !== undefined) throw usageError('Give either --query or --prompt-file, not both.')
  let text: string | undefined
  if (flags.query === '-') {
    if (io.stdin.isTTY) io.stderr.write('Type the prompt, then press Ctrl-D on an empty line (Ctrl-C cancels):\n')
    text = await readStdin(io.stdin, {...PROMPT_WHAT, what: 'The prompt on stdin'})
  } else if (flags.query !== undefined || flags['prompt-file'] !== undefined) {
    // `git diff | codegenapi new -q "review"` would drop the diff without a word.
    if (await stdinHasInput(io.stdin)) {
      const source = given.argument !== undefined ? 'the PROMPT argument' : flags.query === undefined ? '--prompt-file' : '--query'
      throw usageError(
        `Input was piped to stdin, but the prompt comes from ${source}: the piped text would be ignored.`,
        'Pipe the prompt with --query - alone, or do not pipe anything.',
      )
    }
    text = flags.query ?? (await readPromptFile(flags['prompt-file']!, io.cwd))
  } else if (!io.stdin.isTTY) {
    text = await readStdin(io.stdin, {...PROMPT_WHAT, what: 'The prompt on stdin'})
  }
  if (!text || !text.trim()) {
    throw usageError('No prompt given.', 'Pass it with --query "...", --query - to read stdin, or --prompt-file FILE.')
  }
  return text
}

async function readPromptFile(file: string, cwd: string): Promise<string> {
  try {
    return await readCapped(fs.createReadStream(path.resolve(cwd, file)), MAX_PROMPT_CHARS, `The prompt file ${file}`, PROMPT_HINT)
  } catch (error) {
    if ((error as Error).name === 'CodegenError') throw error
    throw usageError(`Cannot read the prompt file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`)
  }
}

/** `--metadata key=value` pairs into an object; anything else is refused. */
export function parseMetadata(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs?.length) return undefined
  const out: Record<string, string> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    const key = eq > 0 ? pair.slice(0, eq).trim() : ''
    if (!key) throw usageError(`--metadata takes key=value, got ${JSON.stringify(pair)}.`)
    out[key] = pair.slice(eq + 1)
  }
  return out
}

/** Reads a secret from stdin: hidden input on a terminal, a pipe otherwise (up to MAX_SECRET_CHARS). */
export async function readSecret(prompt: string, io: Pick<CommandIO, 'stdin' | 'stderr'>): Promise<string> {
  const stdin = io.stdin
  if (!stdin.isTTY) return (await readStdin(stdin, {what: 'The value on stdin'})).trim()
  io.stderr.write(prompt)
  stdin.setRawMode(true)
  stdin.resume()
  stdin.setEncoding('utf8')
  return new Promise((resolve, reject) => {
    let value = ''
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          done()
          resolve(value.trim())
          return
        }
        if (ch === '\u0003') {
          done()
          reject(new Cancelled())
          return
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else if (value.length < MAX_SECRET_CHARS) value += ch
      }
    }
    const done = () => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      io.stderr.write('\n')
    }
    stdin.on('data', onData)
  })
}

/**
 * A numbered menu on a terminal: says what to type, says why an answer is refused, and Ctrl-C (or
 * Ctrl-D) cancels with exit 130.
 */
export async function choose<T>(items: T[], label: (item: T) => string, what: string, io: Pick<CommandIO, 'stdin' | 'stderr'>): Promise<T> {
  io.stderr.write(`Type the number of your choice (Ctrl-C cancels):\n`)
  items.forEach((item, i) => io.stderr.write(`  ${i + 1}) ${oneLine(label(item))}\n`))
  return withQuestions(io, async (ask) => {
    for (;;) {
      const answer = (await ask(`${what} [1-${items.length}]: `)).trim()
      const n = Number(answer)
      if (/^\d+$/.test(answer) && n >= 1 && n <= items.length) return items[n - 1]
      io.stderr.write(`${answer ? JSON.stringify(answer) : 'Nothing'} is not a choice: type a number from 1 to ${items.length}.\n`)
    }
  })
}

/**
 * Questions on the terminal (stdin, asked on stderr): `use` gets an `ask` whose answer is the line
 * typed; Ctrl-C or Ctrl-D rejects with Cancelled (exit 130). Shared by menus and confirmations.
 */
export async function withQuestions<T>(
  io: Pick<CommandIO, 'stdin' | 'stderr'>,
  use: (ask: (question: string) => Promise<string>) => Promise<T>,
): Promise<T> {
  const rl = createInterface({input: io.stdin, output: io.stderr})
  const cancelled = new Promise<never>((_, reject) => {
    rl.once('SIGINT', () => reject(new Cancelled()))
    rl.once('close', () => reject(new Cancelled()))
  })
  cancelled.catch(() => undefined)
  try {
    return await use((question) => Promise.race([new Promise<string>((resolve) => rl.question(question, resolve)), cancelled]))
  } finally {
    rl.removeAllListeners('close')
    rl.close()
  }
}
