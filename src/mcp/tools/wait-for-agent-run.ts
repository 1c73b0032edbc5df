import {z} from 'zod'
import {getRun} from '../../services/runs.js'
import type {RunRecord} from '../../services/state.js'
import {isComplete, isTerminal} from '../../services/status.js'
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
    const first = await getRun(await tc.context(), agent_run_id, tc.signal)
    let record: RunRecord | undefined
    // A run the monitor still follows (e.g. just resumed, showing its old status) is waited for.
    let finished = isTerminal(first.status) && !tc.monitor.isWatched(first.id)
    tc.progress(elapsed(), total, `Agent run ${first.id} is ${first.status ?? 'UNKNOWN'}`)
    if (!finished) {
      // Answer by the deadline even when asked to wait longer.
      const left = Math.min(started + timeout_seconds * 1000, tc.deadline - 500) - Date.now()
      const waited = await tc.monitor.waitFor(first, {
        timeoutMs: left,
        signal: tc.signal,
        onPoll: (r) => tc.progress(Math.min(elapsed(), total), total, `Agent run ${r.id} is ${r.status ?? 'UNKNOWN'}`),
      })
      record = waited.record
      finished = waited.finished
    }
    const run = S.runOut(record ?? first)
    const seconds = elapsed()
    const timedOut = !finished && !tc.signal.aborted
    const lead = finished
      ? `Agent run ${run.id} finished: ${run.status}${isComplete(run.status) ? '' : ' (it did not complete)'}.`
      : `Agent run ${run.id} is still ${run.status} after ${Math.round(seconds)} s. Call codegenapi_wait_for_agent_run again to keep waiting, or subscribe to ${run.resource_uri}.`
    return {data: {run, finished, timed_out: timedOut, waited_seconds: seconds}, text: S.runText(run, lead)}
  },
})
