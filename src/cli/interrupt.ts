import {CodegenError, isCodegenError} from '../api/errors.js'
import type {StartOptions} from '../services/start-run.js'

/**
 * Runs a create or resume with Ctrl-C wired to it. Before the request is sent, Ctrl-C stops it: nothing
 * is sent. Once it is on the wire, the first Ctrl-C waits for the answer so the run can be recorded, and
 * a second one stops waiting. Either way the command ends with exit 130 (`interrupted`).
 */
export async function interruptible<T>(
  start: (opts: StartOptions<T>) => Promise<T>,
  note: (text: string) => void,
): Promise<{value: T; interrupted: boolean}> {
  const stop = new AbortController()
  const cut = new AbortController()
  let late: Promise<T> | undefined
  let interrupts = 0
  const onSigint = () => {
    interrupts++
    if (interrupts === 1) stop.abort(new CodegenError('interrupted', 'Interrupted: nothing was sent.'))
    else cut.abort()
  }
  process.on('SIGINT', onSigint)
  try {
    try {
      return {value: await start({signal: stop.signal, cut: cut.signal, late: (outcome) => void (late = outcome)}), interrupted: false}
    } catch (error) {
      if (!late) throw error
      note(`Interrupted after the request was sent: waiting for its answer, so that the run is recorded (Ctrl-C again to stop waiting).`)
    }
    try {
      return {value: await late, interrupted: true}
    } catch (error) {
      if (!isCodegenError(error)) throw error
      throw new CodegenError('interrupted', `Interrupted. ${error.message}`, {next: error.next, hint: error.hint, detail: error.detail})
    }
  } finally {
    process.off('SIGINT', onSigint)
  }
}

/**
 * Ctrl-C for several creates in a row (`new --attempts`): the first stops further creates and lets the
 * one on the wire finish (so its run is recorded), a second cuts that one off. `run` reports what
 * happened to each; `interrupted` says whether Ctrl-C was pressed.
 */
export async function interruptibleGroup<T>(
  run: (stop: {signal: AbortSignal; cut: AbortSignal}) => Promise<T>,
  note: (text: string) => void,
): Promise<{value: T; interrupted: boolean}> {
  const stop = new AbortController()
  const cut = new AbortController()
  const onSigint = () => {
    if (stop.signal.aborted) return cut.abort()
    note(
      'Interrupted: no further attempt is sent; an attempt already sent is waited for, so that its run is recorded (Ctrl-C again to stop waiting).',
    )
    stop.abort(new CodegenError('interrupted', 'Interrupted: nothing was sent.'))
  }
  process.on('SIGINT', onSigint)
  try {
    return {value: await run({signal: stop.signal, cut: cut.signal}), interrupted: stop.signal.aborted}
  } finally {
    process.off('SIGINT', onSigint)
  }
}
