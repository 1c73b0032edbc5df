import * as S from '../shapes.js'
import {tool, START} from './define.js'
import {newRunInput, newRunRequest, recoveredNote, startedOutput, startedText} from './inputs.js'

export const newTool = tool({
  name: 'codegenapi_new',
  description:
    'Start a Codegen agent run (an AI engineer that works on a repository and can open pull requests) and return at once with its id, status and web URL; the server then watches the run. Follow up with codegenapi_wait_for_agent_run, or subscribe to the run resource, then read the result with codegenapi_get_agent_run.',
  input: newRunInput,
  output: startedOutput,
  annotations: {title: 'Start an agent run', ...START},
  async run(args, tc) {
    const {created, record} = await tc.lifecycle.start(newRunRequest(args), {signal: tc.signal})
    const run = created.run
    const out = S.runOut(run, S.MAX_TEXT, {record})
    return {data: {...out, watching: record.watched}, text: startedText(out, 'Started') + recoveredNote(created)}
  },
})
