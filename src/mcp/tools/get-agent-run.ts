import {getRun} from '../../services/runs.js'
import * as S from '../shapes.js'
import {tool, READ} from './define.js'
import {agentRunId} from './inputs.js'

export const getAgentRunTool = tool({
  name: 'codegenapi_get_agent_run',
  description: "Get an agent run: status, result, summary, pull requests and web URL. Use it to read a run's outcome or check on it.",
  input: {agent_run_id: agentRunId},
  output: S.RunOut.shape,
  annotations: {title: 'Get an agent run', ...READ},
  async run({agent_run_id}, tc) {
    const out = S.runOut(await getRun(await tc.context(), agent_run_id, tc.signal))
    return {data: out, text: S.runText(out)}
  },
})
