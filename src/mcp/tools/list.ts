import {z} from 'zod'
import {listRuns} from '../../services/runs.js'
import * as S from '../shapes.js'
import {tool, READ} from './define.js'

export const listTool = tool({
  name: 'codegenapi_list',
  description:
    'List agent runs of the organization, newest first, optionally filtered by status, repository, user or source. Use it to find a run id or see what is running.',
  input: {
    status: z
      .string()
      .max(200)
      .optional()
      .describe('Comma-separated: running (or active), pending, complete, failed, error, stopped, cancelled, finished.'),
    repo: z.string().max(200).optional().describe('Repository as OWNER/NAME (or NAME).'),
    limit: S.intArg(1, 100, 'limit').optional().default(10).describe('How many runs to return (1-100, default 10).'),
    user_id: S.intArg(1, S.MAX_ID, 'user_id').optional().describe('Only runs started by this user id.'),
    source_type: z.string().max(40).optional().describe('Only runs from this source: API, LOCAL, SLACK, GITHUB, LINEAR, JIRA, CHAT...'),
  },
  output: {runs: z.array(S.RunListItemOut), count: z.number().int().min(0).max(100)},
  annotations: {title: 'List agent runs', ...READ},
  async run({status, repo, limit, user_id, source_type}, tc) {
    const runs = (await listRuns(await tc.context(), {status, repo, limit, userId: user_id, sourceType: source_type})).map(S.runListItem)
    const text = runs.length
      ? runs
          .map(
            (r) =>
              `${r.id} ${r.status}${r.repo ? ` ${r.repo}` : ''}${r.created_at ? ` ${r.created_at}` : ''}${r.summary ? ` — ${r.summary.slice(0, 120)}` : ''}`,
          )
          .join('\n')
      : 'No agent runs match.'
    return {data: {runs, count: runs.length}, text}
  },
})
