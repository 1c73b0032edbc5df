import {z} from 'zod'
import {isComplete, isTerminal} from '../../domain/run.js'
import * as S from '../shapes.js'
import {tool, READ} from './define.js'
import {agentRunId} from './inputs.js'

export const waitForAgentRunTool = tool({
  name: 'codegenapi_wait_for_agent_run',
  description:
    'Wait until an agent run finishes, for at most timeout_seconds (45 at most), then return it with its result. If it is still working when time runs out the result says so: call again to keep waiting.',
  input: {
    agent_run_id: agentRunId,
    timeout_seconds: S.intArg(1, 45, 'timeout_seconds').optional().default(40).describe('How long to wait, in seconds (1-45, default 40).'),
  },
  output: {
    run: S.RunOut,
    finished: z.boolean(),
    timed_out: z.boolean().describe('True when the run was still working when time ran out.'),
    waited_seconds: z.number().min(0).max(3600),
  },
  annotations: {title: 'Wait for an agent run', ...READ},
  async run({agent_run_id, timeout_seconds}, tc) {
    const started = Date.now()
    const total = timeout_seconds
    const elapsed = () => Math.round((Date.now() - started) / 100) / 10
    const first = await tc.lifecycle.get(agent_run_id, {signal: tc.signal, fallback: false})
    let run = first.run
    let record = first.record
    // A run the monitor still follows (e.g. just resumed, showing its old status) is waited for.
    let finished = isTerminal(run.status) && !tc.monitor.isWatched(run.id)
    tc.progress(elapsed(), total, `Agent run ${run.id} is ${run.status ?? 'UNKNOWN'}`)
    if (!finished) {
      // The lifecycle's one waiting engine (the monitor), as `--wait` in the CLI; answer by the deadline.
      const left = Math.min(started + timeout_seconds * 1000, tc.deadline - 500) - Date.now()
      const waited = await tc.lifecycle.wait(run, {
        timeoutMs: left,
        signal: tc.signal,
        onPoll: (r) => tc.progress(Math.min(elapsed(), total), total, `Agent run ${r.id} is ${r.status ?? 'UNKNOWN'}`),
      })
      run = waited.run
      record = waited.record
      finished = waited.finished
    }
    const out = S.runOut(run, S.MAX_TEXT, {record})
    const seconds = elapsed()
    const timedOut = !finished && !tc.signal.aborted
    const lead = finished
      ? `Agent run ${out.id} finished: ${out.status}${isComplete(out.status) ? '' : ' (it did not complete)'}.`
      : `Agent run ${out.id} is still ${out.status} after ${Math.round(seconds)} s. Call codegenapi_wait_for_agent_run again to keep waiting, or subscribe to ${out.resource_uri}.`
    return {data: {run: out, finished, timed_out: timedOut, waited_seconds: seconds}, text: S.runText(out, lead)}
  },
})
