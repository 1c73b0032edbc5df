// Exit codes are part of the CLI's contract with scripts: documented in the README, never renumbered.
export const ExitCode = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  AUTH: 3,
  NOT_FOUND: 4,
  RATE_LIMIT: 5,
  RUN_NOT_COMPLETE: 6,
  TIMEOUT: 124,
} as const
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export type ErrorKind =
  | 'usage'
  | 'config'
  | 'auth'
  | 'not_found'
  | 'rate_limit'
  | 'api'
  | 'network'
  | 'unexpected_response'
  | 'maybe_created'
  | 'run_not_complete'
  | 'timeout'
  | 'conflict'

const exitByKind: Record<ErrorKind, ExitCodeValue> = {
  usage: ExitCode.USAGE,
  config: ExitCode.ERROR,
  auth: ExitCode.AUTH,
  not_found: ExitCode.NOT_FOUND,
  rate_limit: ExitCode.RATE_LIMIT,
  api: ExitCode.ERROR,
  network: ExitCode.ERROR,
  unexpected_response: ExitCode.ERROR,
  maybe_created: ExitCode.ERROR,
  run_not_complete: ExitCode.RUN_NOT_COMPLETE,
  timeout: ExitCode.TIMEOUT,
  conflict: ExitCode.ERROR,
}

/**
 * The one error type services throw. `message` is safe to show a person or a model (never holds the
 * token); `hint` says what to do next; `detail` is for `--debug` only.
 */
export class CodegenError extends Error {
  readonly kind: ErrorKind
  readonly exitCode: ExitCodeValue
  readonly hint?: string
  readonly status?: number
  readonly endpoint?: string
  readonly detail?: string

  constructor(
    kind: ErrorKind,
    message: string,
    opts: {hint?: string; status?: number; endpoint?: string; detail?: string; exitCode?: ExitCodeValue} = {},
  ) {
    super(message)
    this.name = 'CodegenError'
    this.kind = kind
    this.exitCode = opts.exitCode ?? exitByKind[kind]
    this.hint = opts.hint
    this.status = opts.status
    this.endpoint = opts.endpoint
    this.detail = opts.detail
  }

  toJSON() {
    return {
      code: this.kind,
      message: this.message,
      ...(this.hint ? {hint: this.hint} : {}),
      ...(this.status ? {status: this.status} : {}),
      exitCode: this.exitCode,
    }
  }
}

/**
 * True for a CodegenError from any copy of this module: the MCP server is a bundle of its own, so
 * `instanceof` does not see its errors as ours.
 */
export function isCodegenError(error: unknown): error is CodegenError {
  return (
    error instanceof CodegenError ||
    (error instanceof Error && error.name === 'CodegenError' && typeof (error as CodegenError).exitCode === 'number')
  )
}

export const usageError = (message: string, hint?: string) => new CodegenError('usage', message, {hint})

/** Maps an HTTP status to the error kind scripts can act on. */
export function kindForStatus(status: number): ErrorKind {
  if (status === 401 || status === 403) return 'auth'
  if (status === 404) return 'not_found'
  if (status === 402 || status === 429) return 'rate_limit'
  return 'api'
}
