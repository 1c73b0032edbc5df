import {z} from 'zod'
import {PR_STATES} from '../../api/rest-schemas.js'
import {setPrState} from '../../services/prs.js'
import * as S from '../shapes.js'
import {tool} from './define.js'
import {PR_WRITE} from './pr-agents-shapes.js'

export const setPrStateTool = tool({
  name: 'codegenapi_set_pr_state',
  description:
    'Open, close, mark as draft or mark ready for review a pull request an agent run opened. Give the run (agent_run_id): its pull request is used when it has one; pr_id picks one of several (the error lists them).',
  input: {
    pr_id: S.idArg('pr_id', "The pull request's id in Codegen (not its GitHub number); optional with agent_run_id.").optional(),
    state: z.enum(PR_STATES).describe('The new state.'),
    agent_run_id: S.idArg('agent_run_id', 'The run that opened the pull request.').optional(),
  },
  output: {
    pr_id: z.number().int().min(1).max(S.MAX_ID),
    state: z.string().describe('The state the API reports after the change.'),
    number: z.number().int().optional(),
    title: z.string().optional(),
    url: z.string().optional(),
  },
  annotations: {title: "Change a pull request's state", ...PR_WRITE},
  async run({pr_id, state, agent_run_id}, tc) {
    const r = await setPrState(await tc.context(), {prId: pr_id, state, runId: agent_run_id}, tc.signal)
    const data = {
      pr_id: r.pr_id,
      state: r.state ?? r.requested_state,
      ...(r.number != null ? {number: r.number} : {}),
      ...(r.title ? {title: r.title.slice(0, S.MAX_LIST_TEXT)} : {}),
      ...(r.url ? {url: r.url} : {}),
    }
    return {data, text: `Pull request ${data.number ? `#${data.number}` : r.pr_id} is ${data.state}${data.url ? `: ${data.url}` : ''}.`}
  },
})
