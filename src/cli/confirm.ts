import {createInterface} from 'node:readline/promises'
import {CodegenError, usageError} from '../api/errors.js'

/** True when a person can be asked: stdin and stderr (where the question goes) are terminals. */
export const canAsk = () => Boolean(process.stdin.isTTY && process.stderr.isTTY)

/**
 * Asks `question` [y/N] on the terminal. `--yes` skips it; with no terminal and no `--yes` it is a
 * usage error (exit 2) and nothing is sent. "No" (or just Enter) is exit 2 too; Ctrl-C exits 130.
 */
export async function confirmOrRefuse(opts: {yes?: boolean; question: string; refusal: string}): Promise<void> {
  if (opts.yes) return
  if (!canAsk()) throw usageError(`${opts.refusal} Nothing was sent.`, 'Pass --yes to confirm without a terminal.')
  const rl = createInterface({input: process.stdin, output: process.stderr})
  const interrupted = new Promise<never>((_, reject) =>
    rl.once('SIGINT', () => {
      process.stderr.write('\n')
      // Exit 130, as a shell reports a command ended by Ctrl-C.
      reject(new CodegenError('interrupted', 'Interrupted: nothing was sent.'))
    }),
  )
  try {
    const answer = await Promise.race([rl.question(`${opts.question} [y/N] `), interrupted])
    if (!/^\s*y(es)?\s*$/i.test(answer)) throw usageError('Not confirmed: nothing was sent.')
  } finally {
    rl.close()
  }
}
