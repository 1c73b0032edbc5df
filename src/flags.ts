import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {usageError} from './api/errors.js'
import {parsePositiveInt} from './services/validate.js'

// Flag and argument definitions shared by commands; their parsing is the services' own validation.
// oclif wants a promise from parse; a rejected one carries the usage error.
export const positiveInt = (what: string) => (input: string) => Promise.resolve().then(() => parsePositiveInt(input, what))

export const runIdArg = Args.custom<number>({
  name: 'AGENT_RUN_ID',
  description: 'Agent run id',
  parse: positiveInt('AGENT_RUN_ID'),
})

/** Whole numbers from 0 (`--skip`): "non-negative", since 0 is allowed. */
export function parseNonNegativeInt(input: string, what: string): number {
  const text = input.trim()
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw usageError(`${what} must be a non-negative integer, got ${JSON.stringify(input)}.`)
  return Number(text)
}

export const skipFlag = (description: string) =>
  Flags.custom<number>({description, default: 0, parse: (input) => Promise.resolve().then(() => parseNonNegativeInt(input, '--skip'))})()

export const limitFlag = (defaultValue: number, description = 'Maximum number of items') =>
  Flags.custom<number>({char: 'l', description, default: defaultValue, parse: positiveInt('--limit')})()

/** How --timeout reads (services/duration.ts parseDuration). */
export const DURATION_HELP = 'with a unit: 90s, 30m, 2h or 1h30m, at most 596h; default 30m'

export const waitFlags = {
  wait: Flags.boolean({char: 'w', description: 'Wait until the run finishes, then print its result.'}),
  timeout: Flags.string({description: `With --wait: give up after this long (${DURATION_HELP}).`, dependsOn: ['wait']}),
}

export const wideFlag = Flags.boolean({description: 'Do not cut long text to the terminal width'})

export const DEFAULT_WAIT_TIMEOUT = '30m'
