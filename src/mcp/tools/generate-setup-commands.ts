import {z} from 'zod'
import {startSetupCommands} from '../../services/setup-commands.js'
import {MAX_PROMPT_CHARS} from '../../services/tasks.js'
import * as S from '../shapes.js'
import {tool, START} from './define.js'
import {startedOutput, startedText} from './inputs.js'

export const generateSetupCommandsTool = tool({
  name: 'codegenapi_generate_setup_commands',
  description:
    "Start an agent run that works out a repository's setup commands (install, build) for Codegen's sandbox. A paid agent run like codegenapi_new: the server watches it; wait with codegenapi_wait_for_agent_run.",
  input: {
    repo: z.string().max(200).optional().describe('Repository as OWNER/NAME (or give repo_id).'),
    repo_id: S.intArg(1, S.MAX_ID, 'repo_id').optional().describe('Repository id, instead of repo.'),
    prompt: z.string().min(1).max(MAX_PROMPT_CHARS).optional().describe('Extra instructions for the agent.'),
  },
  output: startedOutput,
  annotations: {title: 'Generate setup commands (agent run)', ...START},
  async run({repo, repo_id, prompt}, tc) {
    const ctx = await tc.context()
    // Recorded and watched like a run from codegenapi_new, also when its answer comes after the deadline.
    const {started, record} = await tc.lifecycle.startWith((o) => startSetupCommands(ctx, {repo, repoId: repo_id, prompt}, o), {
      signal: tc.signal,
    })
    const run = started.run
    const out = S.runOut(run, S.MAX_TEXT, {record})
    return {data: {...out, watching: record.watched}, text: startedText(out, 'Started setup-commands')}
  },
})
