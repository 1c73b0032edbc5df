import {actOnPrAgents} from '../../services/pr-agents.js'
import {tool} from './define.js'
import {agentRunId} from './inputs.js'
import {PR_WRITE, prAgentsOutcome, prAgentsOutput} from './pr-agents-shapes.js'

export const stopTool = tool({
  name: 'codegenapi_stop',
  description:
    'Stop every agent working on the pull request of an agent run and block future check-suite runs on that PR (codegenapi_unban lifts the block). It acts on the whole PR, not on that run alone: confirm with the user first.',
  input: {agent_run_id: agentRunId},
  output: prAgentsOutput,
  annotations: {title: "Stop every agent on a run's pull request", ...PR_WRITE},
  async run({agent_run_id}, tc) {
    return prAgentsOutcome('ban', await actOnPrAgents(await tc.context(), 'ban', agent_run_id, tc.signal))
  },
})
