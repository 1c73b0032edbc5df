import {actOnPrAgents} from '../../services/pr-agents.js'
import {tool} from './define.js'
import {agentRunId} from './inputs.js'
import {PR_WRITE, prAgentsOutcome, prAgentsOutput} from './pr-agents-shapes.js'

export const unbanTool = tool({
  name: 'codegenapi_unban',
  description:
    'Lift the block codegenapi_stop put on the pull request of an agent run: check-suite runs on it are processed again (stopped agents stay stopped).',
  input: {agent_run_id: agentRunId},
  output: prAgentsOutput,
  annotations: {title: "Unblock a run's pull request", ...PR_WRITE},
  async run({agent_run_id}, tc) {
    return prAgentsOutcome('unban', await actOnPrAgents(await tc.context(), 'unban', agent_run_id, tc.signal))
  },
})
