import {ExitCode} from './exit-codes.js'
import type {AgentRun} from '../api/schemas.js'
import type {RunLifecycle} from '../services/lifecycle.js'
import {isComplete} from '../services/status.js'
import {oneLine} from '../output/sanitize.js'
import {setLiveRegion} from '../output/live.js'
import type {CommandIO} from '../io.js'

/** A spinner on stderr, only where a person watches: a TTY, and not CI. */
export async function startSpinner(
  text: string,
  io: Pick<CommandIO, 'stderr' | 'env'>,
): Promise<{update(text: string): void; stop(): void}> {
  if (!io.stderr.isTTY || io.env.CI) return {update() {}, stop() {}}
  const {default: ora} = await import('ora')
  // discardStdin would swallow piped input: a prompt or token may still be read from it.
  const spinner = ora({text, stream: io.stderr, discardStdin: false}).start()
  // Retry notices and debug lines written meanwhile go above the spinner (output/live.ts).
  setLiveRegion({clear: () => spinner.clear(), render: () => spinner.render()})
  return {
    update: (t) => (spinner.text = t),
    stop: () => {
      setLiveRegion(undefined)
      spinner.stop()
    },
  }
}

const elapsed = (ms: number) => {
  const s = Math.round(ms / 1000)
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`
}

/**
 * `--wait` for `new`, `get` and `resume`: the lifecycle's monitor follows the run until it is final
 * (the one waiting engine, also MCP's), spinner meanwhile. The exit code says how it ended: 0 COMPLETE,
 * 6 another final status, 124 timed out; `missing` when the run does not exist.
 */
export async function waitWithSpinner(
  lc: RunLifecycle,
  runId: number,
  timeoutMs: number,
  io: Pick<CommandIO, 'stderr' | 'env' | 'now'>,
  onChange?: (run: {status: string | null}) => void,
): Promise<{run: AgentRun; timedOut: boolean; missing: boolean; exitCode: number}> {
  const spinner = await startSpinner(`Waiting for agent run ${runId}`, io)
  let last: string | null | undefined
  // Ctrl-C stops the waiting, not the run: the spinner's line is cleared and the person told so.
  const onInterrupt = () => {
    spinner.stop()
    io.stderr.write(`Agent run ${runId} keeps running: codegenapi watch ${runId}\n`)
    process.exit(ExitCode.INTERRUPTED)
  }
  process.once('SIGINT', onInterrupt)
  try {
    const began = io.now()
    const {run, timedOut, missing} = await lc.wait(runId, {
      timeoutMs,
      keepWatching: false,
      onPoll: (r) => {
        spinner.update(`Agent run ${runId} ${oneLine(r.status)} · ${elapsed(io.now() - began)}`)
        if (r.status !== last) {
          last = r.status
          onChange?.(r)
        }
      },
    })
    const exitCode = timedOut ? ExitCode.TIMEOUT : isComplete(run.status) ? ExitCode.OK : ExitCode.RUN_NOT_COMPLETE
    return {run, timedOut, missing, exitCode}
  } finally {
    process.off('SIGINT', onInterrupt)
    spinner.stop()
  }
}
