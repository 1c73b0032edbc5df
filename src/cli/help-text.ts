import {ExitCode} from './exit-codes.js'
import {SOURCE_TYPES} from '../api/schemas.js'
import {STATUS_FILTERS} from '../services/status.js'
import {TASK_TEMPLATES} from '../services/tasks.js'

// Help text that lists what the code accepts is made from the data the code uses, never restated:
// a new task template, status name, source type or exit code shows up in --help by itself.

export const TASK_NAMES = Object.keys(TASK_TEMPLATES).join(', ')

/** `active/running, pending, complete/completed/done, ...`: names that select the same statuses share a slot. */
export const STATUS_NAMES = (() => {
  const groups = new Map<string, string[]>()
  for (const [name, statuses] of Object.entries(STATUS_FILTERS)) {
    const key = [...statuses].sort().join(',')
    groups.set(key, [...(groups.get(key) ?? []), name])
  }
  return [...groups.values()].map((names) => names.join('/')).join(', ')
})()

export const SOURCE_TYPE_NAMES = SOURCE_TYPES.join(', ')

/** What each exit code means; the compiler asks for a line for every code, the README table is tested against it. */
export const EXIT_MEANINGS: Record<keyof typeof ExitCode, string> = {
  OK: 'success',
  ERROR: 'API or unexpected error (including a create or resume whose outcome is unknown: the message says how to check)',
  USAGE:
    'usage error: unknown command or flag, bad flag or environment value, non-numeric id, missing prompt, unknown status or JSON field, `stop` or `remove-from-pr` not confirmed (nothing sent)',
  AUTH: 'authentication or permission: no token or org configured, HTTP 401, 403',
  NOT_FOUND: 'not found: unknown run, user or repository',
  RATE_LIMIT: 'rate or plan limit: HTTP 429 after retries, 402',
  RUN_NOT_COMPLETE: '`--wait`, `watch` or `logs --follow` ended in a status other than COMPLETE',
  TIMEOUT: '`--wait` or `watch` timed out',
  INTERRUPTED:
    'interrupted with Ctrl-C: at a prompt; during `new` or `resume` (the message says whether anything was sent); while waiting (the run goes on)',
}

/** The README's table, as the code has it. */
export function exitCodeTable(): string {
  const rows = (Object.keys(ExitCode) as (keyof typeof ExitCode)[]).map((k) => `| ${ExitCode[k]} | ${EXIT_MEANINGS[k]} |`)
  return ['| code | meaning |', '| --- | --- |', ...rows].join('\n')
}

/** `watch`'s exit codes for its description, from the codes themselves. */
export const WAIT_EXIT_CODES = `${ExitCode.OK} all COMPLETE, ${ExitCode.RUN_NOT_COMPLETE} one ended otherwise, ${ExitCode.NOT_FOUND} a run does not exist, ${ExitCode.TIMEOUT} timed out, ${ExitCode.INTERRUPTED} Ctrl-C`
