import * as S from '../shapes.js'
import {tool, READ} from './define.js'
import {agentRunId} from './inputs.js'

export const getAgentRunTool = tool({
  name: 'codegenapi_get_agent_run',
  description:
    "Get an agent run: status, result, summary, pull requests and web URL. Use it to read a run's outcome or check on it. When the API cannot be reached, a run this server knows is returned as last seen, marked stale.",
  input: {agent_run_id: agentRunId},
  output: S.RunOut.shape,
  annotations: {title: 'Get an agent run', ...READ},
  async run({agent_run_id}, tc) {
    // The lifecycle's get, as `codegenapi get`: the record updated, the local state as a marked fallback.
    const seen = await tc.lifecycle.get(agent_run_id, {signal: tc.signal})
    const out = S.runOut(seen.run, S.MAX_TEXT, {record: seen.record})
    if (!seen.stale) return {data: out, text: S.runText(out)}
    const stale = S.staleOut(out, seen.stale)
    return {data: stale, text: S.runText(stale, `Agent run ${out.id} was ${out.status} when last seen (the API could not be asked now).`)}
  },
})
