import {isComplete} from '../../services/status.js'
import * as S from '../shapes.js'
import {taskTool, START} from './define.js'
import {newRunInput, newRunRequest, startedText} from './inputs.js'

export const runTool = taskTool({
  name: 'codegenapi_run',
  description:
    'Start an agent run and wait for its result: as an MCP task it completes when the run finishes; as a plain call it waits up to 40 s, then returns the run id and status (wait on with codegenapi_wait_for_agent_run). Same arguments as codegenapi_new.',
  input: newRunInput,
  output: S.RunOut.shape,
  annotations: {title: 'Run an agent to completion (task)', ...START},
  async start(args, tc) {
    return (await tc.lifecycle.start(newRunRequest(args), {signal: tc.signal})).record
  },
  pending(record) {
    const out = S.runOut(record)
    return {data: out, text: startedText(out, 'Started')}
  },
  finish(record) {
    const out = S.runOut(record)
    const ok = isComplete(record.status)
    return {data: out, ok, text: S.runText(out, ok ? `Agent run ${out.id} is COMPLETE.` : `Agent run ${out.id} ended ${out.status}.`)}
  },
})
