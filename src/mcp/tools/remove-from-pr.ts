import {actOnPrAgents} from '../../services/pr-agents.js'
import {tool} from './define.js'
import {agentRunId} from './inputs.js'
import {PR_WRITE, prAgentsOutcome, prAgentsOutput} from './pr-agents-shapes.js'

export const removeFromPrTool = tool({
  name: 'codegenapi_remove_from_pr',
  description:
    'Remove Codegen from the pull request of an agent run: the same as codegenapi_stop (every agent on the PR stopped, future check-suite runs on it blocked until codegenapi_unban). Confirm with the user first.',
  input: {agent_run_id: agentRunId},
  output: prAgentsOutput,
  annotations: {title: "Remove Codegen from a run's pull request", ...PR_WRITE},
  async run({agent_run_id}, tc) {
    return prAgentsOutcome('remove-from-pr', await actOnPrAgents(await tc.context(), 'remove-from-pr', agent_run_id, tc.signal))
  },
})
