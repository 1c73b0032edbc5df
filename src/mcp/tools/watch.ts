import {z} from 'zod'
import {parentOf} from '../../domain/run.js'
import * as S from '../shapes.js'
import {tool, READ} from './define.js'
import {agentRunId} from './inputs.js'

export const watchTool = tool({
  name: 'codegenapi_watch',
  description:
    'List the agent runs this server watches, with their status and parent runs (a child reports to its parent when it finishes). Give agent_run_id to start watching a run started elsewhere.',
  input: {agent_run_id: agentRunId.optional().describe('A run to start watching (an integer); leave out to only list.')},
  output: {
    runs: z.array(
      z.object({
        id: z.number().int().min(1).max(S.MAX_ID),
        status: z.string().optional(),
        watched: z.boolean(),
        repo: z.string().optional(),
        web_url: z.string().optional(),
        parent_run_id: z.number().int().min(1).max(S.MAX_ID).optional(),
        parent_report: z.string().optional().describe('pending (waits for the parent to be COMPLETE), sending, sent or undeliverable.'),
      }),
    ),
    count: z.number().int().min(0).max(500),
  },
  annotations: {title: 'Watched agent runs', ...READ},
  async run({agent_run_id}, tc) {
    // Followed to be read: watching a run never leads to a parent report (F-4).
    if (agent_run_id !== undefined) tc.lifecycle.follow((await tc.lifecycle.get(agent_run_id, {signal: tc.signal, fallback: false})).run)
    const runs = tc.monitor.store
      .list()
      .filter((r) => r.watched || r.parent_run_id || tc.monitor.isWatched(r.id))
      .slice(0, 100)
      .map((r) => ({
        id: r.id,
        status: r.status ?? undefined,
        watched: tc.monitor.isWatched(r.id),
        repo: r.repo ?? undefined,
        web_url: r.web_url ?? undefined,
        parent_run_id: parentOf(r),
        parent_report: r.parent_report,
      }))
    const text = runs.length
      ? runs
          .map(
            (r) =>
              `${r.id} ${r.status ?? 'UNKNOWN'}${r.watched ? ' (watched)' : ''}${r.parent_run_id ? ` parent ${r.parent_run_id}${r.parent_report ? ` report ${r.parent_report}` : ''}` : ''}`,
          )
          .join('\n')
      : 'No runs are watched.'
    return {data: {runs, count: runs.length}, text}
  },
})
