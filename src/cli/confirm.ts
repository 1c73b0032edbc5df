// node:readline is loaded by oclif's parser anyway; readline/promises would be a module more.
import {createInterface} from 'node:readline'
import {usageError} from '../api/errors.js'
import type {CommandIO} from '../io.js'
import {Cancelled} from './input.js'

/** True when a person can be asked: stdin and stderr (where the question goes) are terminals. */
export const canAsk = (io: Pick<CommandIO, 'stdin' | 'stderr'>) => Boolean(io.stdin.isTTY && io.stderr.isTTY)

/**
 * Asks `question` [y/N] on the terminal. `--yes` skips it; with no terminal and no `--yes` it is a
 * usage error (exit 2) and nothing is sent. "No" (or just Enter) is exit 2 too; Ctrl-C or Ctrl-D
 * cancels with exit 130, as `choose` does.
 */
export async function confirmOrRefuse(
  opts: {yes?: boolean; question: string; refusal: string},
  io: Pick<CommandIO, 'stdin' | 'stderr'>,
): Promise<void> {
  if (opts.yes) return
  if (!canAsk(io)) throw usageError(`${opts.refusal} Nothing was sent.`, 'Pass --yes to confirm without a terminal.')
  const rl = createInterface({input: io.stdin, output: io.stderr})
  const cancelled = new Promise<never>((_, reject) => {
    rl.once('SIGINT', () => reject(new Cancelled()))
    rl.once('close', () => reject(new Cancelled()))
  })
  cancelled.catch(() => undefined)
  try {
    const answer = await Promise.race([new Promise<string>((resolve) => rl.question(`${opts.question} [y/N] `, resolve)), cancelled])
    if (!/^\s*y(es)?\s*$/i.test(answer)) throw usageError('Not confirmed: nothing was sent.')
  } finally {
    rl.removeAllListeners('close')
    rl.close()
  }
}
