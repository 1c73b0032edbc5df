// The errors services throw. Front-end neutral: no CLI commands, flags, tool names or exit codes here.
// Each front-end renders `next` its own way (src/cli/hints.ts, src/mcp/hints.ts) and maps `kind` to
// what it reports (src/cli/exit-codes.ts).

export type ErrorKind =
  | 'usage'
  | 'config'
  | 'auth'
  | 'not_found'
  | 'rate_limit'
  | 'api'
  | 'network'
  | 'unexpected_response'
  /** A create was sent and its outcome is unknown: the run may exist. */
  | 'maybe_created'
  /** A resume was sent and its outcome is unknown: the run may have been resumed. */
  | 'maybe_resumed'
  /** The user stopped the command (Ctrl-C). */
  | 'interrupted'
  | 'run_not_complete'
  | 'timeout'
  | 'conflict'

/** What the user (or model) can do next, as data: each front-end words it with its own commands or tools. */
export type NextStep =
  /** The run is still working: wait for it, then try again. */
  | {kind: 'wait_for_run'; runId: number}
  /** The run is final and cannot be resumed: start a new one. */
  | {kind: 'start_new'}
  /** A create's outcome is unknown: look for the run tagged with this id before starting another. */
  | {kind: 'check_created'; clientRequestId: string}
  /** A setup-commands start's outcome is unknown: look at the newest setup-command runs before starting another. */
  | {kind: 'check_setup_commands'}
  /** A resume's outcome is unknown: look at the run before resuming it again. */
  | {kind: 'check_resumed'; runId: number}
  /** The token is missing, wrong or expired. */
  | {kind: 'login'}
  /** The token cannot be sent (a character HTTP refuses): set it again. */
  | {kind: 'fix_token'}
  /** The organization is wrong or not accessible. */
  | {kind: 'check_org'}
  /** The API could not be reached. */
  | {kind: 'check_network'}
  /** The API did not answer in time. */
  | {kind: 'raise_timeout'}
  /** The answer did not match the contract. */
  | {kind: 'debug'}
  /** An unknown repository with no close names: see the organization's repositories. */
  | {kind: 'list_repos'}
  /** An unknown task template: use one of these, or a free label. */
  | {kind: 'choose_task'; templates: string[]}

export interface ErrorOptions {
  /** Front-end neutral advice (no command, flag or tool names). */
  hint?: string
  next?: NextStep
  status?: number
  endpoint?: string
  detail?: string
}

/**
 * The one error type services throw. `message` is safe to show a person or a model (never holds the
 * token); `hint` is neutral advice and `next` a structured next step; `detail` is for `--debug` only.
 */
export class CodegenError extends Error {
  readonly kind: ErrorKind
  readonly hint?: string
  readonly next?: NextStep
  readonly status?: number
  readonly endpoint?: string
  readonly detail?: string

  constructor(kind: ErrorKind, message: string, opts: ErrorOptions = {}) {
    super(message)
    this.name = 'CodegenError'
    this.kind = kind
    this.hint = opts.hint
    this.next = opts.next
    this.status = opts.status
    this.endpoint = opts.endpoint
    this.detail = opts.detail
  }
}

/**
 * True for a CodegenError from any copy of this module: the MCP server is a bundle of its own, so
 * `instanceof` does not see its errors as ours.
 */
export function isCodegenError(error: unknown): error is CodegenError {
  return (
    error instanceof CodegenError ||
    (error instanceof Error && error.name === 'CodegenError' && typeof (error as CodegenError).kind === 'string')
  )
}

export const usageError = (message: string, hint?: string) => new CodegenError('usage', message, {hint})

/** Maps an HTTP status to the error kind callers can act on. */
export function kindForStatus(status: number): ErrorKind {
  if (status === 401 || status === 403) return 'auth'
  if (status === 404) return 'not_found'
  if (status === 402 || status === 429) return 'rate_limit'
  return 'api'
}
