import {z} from 'zod'
import {listRuns, MAX_FILTER_PAGES} from '../../services/run-list.js'
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
    const listed = await listRuns(await tc.context(), {status, repo, limit, userId: user_id, sourceType: source_type})
    // The same repository rule as the CLI's table, and what was seen updates the local state.
    const records = await tc.lifecycle.observeAll(listed.runs)
    const runs = listed.runs.map((run, i) => S.runListItem(run, {repos: listed.repos, record: records[i]}))
    const lines = runs.map(
      (r) =>
        `${r.id} ${r.status}${r.repo ? ` ${r.repo}` : ''}${r.created_at ? ` ${r.created_at}` : ''}${r.title ? ` — ${r.title.slice(0, 120)}` : r.summary ? ` — ${r.summary.slice(0, 120)}` : ''}`,
    )
    if (listed.capped)
      lines.push(
        `Stopped after ${MAX_FILTER_PAGES * 100} runs in a row matched nothing: older runs were not searched (narrow with user_id or source_type).`,
      )
    if (runs.length === 0) lines.unshift('No agent runs match.')
    return {data: {runs, count: runs.length}, text: lines.join('\n')}
  },
})
