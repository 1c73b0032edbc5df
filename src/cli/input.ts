import fs from 'node:fs/promises'
import {usageError} from '../api/errors.js'

/** All of stdin as text (a prompt or a token piped in). */
export async function readStdin(stream: NodeJS.ReadStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * The prompt, from `--query TEXT`, `--query -` (stdin), `--prompt-file FILE`, or piped stdin when
 * neither is given. No prompt at all is a usage error, raised before anything is sent.
 */
export async function readPrompt(flags: {query?: string; 'prompt-file'?: string}): Promise<string> {
  if (flags.query !== undefined && flags['prompt-file'] !== undefined) throw usageError('Give either --query or --prompt-file, not both.')
  let text: string | undefined
  if (flags['prompt-file'] !== undefined) {
    try {
      text = await fs.readFile(flags['prompt-file'], 'utf8')
    } catch (error) {
      throw usageError(`Cannot read the prompt file ${flags['prompt-file']} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`)
    }
  } else if (flags.query === '-') {
    text = await readStdin()
  } else if (flags.query !== undefined) {
    text = flags.query
  } else if (!process.stdin.isTTY) {
    text = await readStdin()
  }
  if (!text || !text.trim()) {
    throw usageError('No prompt given.', 'Pass it with --query "...", --query - to read stdin, or --prompt-file FILE.')
  }
  return text
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

/** Reads a secret from stdin: hidden input on a terminal, the whole of a pipe otherwise. */
export async function readSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) return (await readStdin()).trim()
  process.stderr.write(prompt)
  const stdin = process.stdin
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
          reject(usageError('Cancelled.'))
          return
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    const done = () => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      process.stderr.write('\n')
    }
    stdin.on('data', onData)
  })
}
