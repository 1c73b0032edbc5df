import type {CodegenError, ErrorKind} from '../api/errors.js'
import {cliHint} from './hints.js'

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
  /** Ctrl-C (128 + SIGINT), as shells report it. */
  INTERRUPTED: 130,
} as const
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

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
  maybe_resumed: ExitCode.ERROR,
  interrupted: ExitCode.INTERRUPTED,
  run_not_complete: ExitCode.RUN_NOT_COMPLETE,
  timeout: ExitCode.TIMEOUT,
  conflict: ExitCode.ERROR,
}

export function exitCodeFor(error: CodegenError): ExitCodeValue {
  return exitByKind[error.kind] ?? ExitCode.ERROR
}

/** The `{"error": ...}` document of `--json`: code, message, hint (worded for the CLI), status, exitCode. */
export function errorJson(error: CodegenError): {code: string; message: string; hint?: string; status?: number; exitCode: number} {
  const hint = cliHint(error)
  return {
    code: error.kind,
    message: error.message,
    ...(hint ? {hint} : {}),
    ...(error.status ? {status: error.status} : {}),
    exitCode: exitCodeFor(error),
  }
}
