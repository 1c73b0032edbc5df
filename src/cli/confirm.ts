import {usageError} from '../api/errors.js'
import type {CommandIO} from '../io.js'
import {withQuestions} from './input.js'

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
  await withQuestions(io, async (ask) => {
    const answer = await ask(`${opts.question} [y/N] `)
    if (!/^\s*y(es)?\s*$/i.test(answer)) throw usageError('Not confirmed: nothing was sent.')
  })
}
