import {usageError} from '../api/errors.js'

// Status is a free string in the API, upper-case in practice. Compare case-insensitively; an unknown
// value counts as still running for watching (it is shown as it is, never a crash).
export const RUNNING_STATUSES = ['ACTIVE', 'RUNNING', 'PENDING', 'QUEUED', 'IN_PROGRESS'] as const
export const TERMINAL_STATUSES = ['COMPLETE', 'FAILED', 'ERROR', 'STOPPED', 'CANCELLED'] as const

// Spelling variants the API or people use for the same terminal state.
const CANONICAL: Record<string, string> = {COMPLETED: 'COMPLETE', CANCELED: 'CANCELLED'}

export function normaliseStatus(status: string | null | undefined): string {
  const upper = (status ?? '').trim().toUpperCase()
  return CANONICAL[upper] ?? upper
}

export function isTerminal(status: string | null | undefined): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(normaliseStatus(status))
}

export const isComplete = (status: string | null | undefined) => normaliseStatus(status) === 'COMPLETE'

/** Names people type for `--status`, and the statuses each one selects. */
export const STATUS_FILTERS: Record<string, readonly string[]> = {
  active: RUNNING_STATUSES,
  running: RUNNING_STATUSES,
  pending: ['PENDING', 'QUEUED'],
  complete: ['COMPLETE'],
  completed: ['COMPLETE'],
  done: ['COMPLETE'],
  failed: ['FAILED'],
  error: ['ERROR'],
  stopped: ['STOPPED'],
  cancelled: ['CANCELLED'],
  canceled: ['CANCELLED'],
  finished: TERMINAL_STATUSES,
}

/** `failed,error` -> the set of canonical statuses; an unknown name is refused with the valid ones. */
export function parseStatusFilter(input: string): Set<string> {
  const out = new Set<string>()
  for (const part of input
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean)) {
    const statuses = STATUS_FILTERS[part]
    if (!statuses) {
      throw usageError(`Unknown status ${JSON.stringify(part)}.`, `Valid statuses: ${Object.keys(STATUS_FILTERS).join(', ')}.`)
    }
    for (const s of statuses) out.add(s)
  }
  if (out.size === 0) throw usageError('--status needs a value.', `Valid statuses: ${Object.keys(STATUS_FILTERS).join(', ')}.`)
  return out
}
