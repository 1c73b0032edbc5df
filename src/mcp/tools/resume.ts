import * as S from '../shapes.js'
import {tool, START} from './define.js'
import {agentRunId, images, query, task, taskLabel, startedOutput, startedText} from './inputs.js'

export const resumeTool = tool({
  name: 'codegenapi_resume',
  description:
    'Continue a finished agent run with a follow-up instruction; the server watches it again as for a new run. Only a COMPLETE run can be resumed: for one still working, wait with codegenapi_wait_for_agent_run first.',
  input: {
    agent_run_id: agentRunId,
    query: query('The follow-up instruction.'),
    task,
    task_label: taskLabel,
    images,
  },
  output: startedOutput,
  annotations: {title: 'Resume an agent run', ...START},
  async run({agent_run_id, query, task, task_label, images}, tc) {
    const request = {runId: agent_run_id, query, task, taskLabel: task_label, images}
    const {run, record} = await tc.lifecycle.resume(request, {signal: tc.signal})
    const out = S.runOut(run, S.MAX_TEXT, {record})
    return {data: {...out, watching: record.watched}, text: startedText(out, 'Resumed')}
  },
})
