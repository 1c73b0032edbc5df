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
