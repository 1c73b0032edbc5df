import {z} from 'zod'
import {getLogsPage} from '../../services/runs.js'
import * as S from '../shapes.js'
import {tool, READ} from './define.js'
import {agentRunId} from './inputs.js'

export const getAgentRunLogsTool = tool({
  name: 'codegenapi_get_agent_run_logs',
  description:
    "Read a page of an agent run's step-by-step log (thoughts, tool calls and their results), to see what the agent did or why it failed. Long fields are cut; page with skip and limit.",
  input: {
    agent_run_id: agentRunId,
    skip: S.intArg(0, 1_000_000, 'skip').optional().default(0).describe('How many entries to skip (default 0).'),
    limit: S.intArg(1, 100, 'limit').optional().default(20).describe('How many entries to return (1-100, default 20).'),
    reverse: z.boolean().optional().default(false).describe('Newest entries first.'),
  },
  output: {
    agent_run_id: z.number().int().min(1).max(S.MAX_ID),
    status: z.string(),
    total_logs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    skip: z.number().int().min(0).max(1_000_000),
    logs: z.array(S.LogEntryOut),
    next_skip: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .describe('Pass as skip to read the next page; absent on the last page.'),
  },
  annotations: {title: 'Read agent run logs', ...READ},
  async run({agent_run_id, skip, limit, reverse}, tc) {
    const page = await getLogsPage(await tc.context(), agent_run_id, {skip, limit, reverse})
    const logs = page.logs.slice(0, limit).map(S.logEntryOut)
    const total = page.total_logs ?? undefined
    const more = total !== undefined ? skip + logs.length < total : logs.length === limit
    const data = {
      agent_run_id,
      status: page.status ?? 'UNKNOWN',
      total_logs: total,
      skip,
      logs,
      next_skip: more ? skip + logs.length : undefined,
    }
    const lines = logs.map(
      (l, i) =>
        `#${skip + i + 1} ${l.message_type ?? ''}${l.tool_name ? ` ${l.tool_name}` : ''}${l.thought ? `: ${l.thought.slice(0, 200)}` : ''}`,
    )
    const head = `Agent run ${agent_run_id} (${data.status}): entries ${logs.length ? `${skip + 1}-${skip + logs.length}` : 'none'}${total !== undefined ? ` of ${total}` : ''}.`
    return {
      data: JSON.parse(JSON.stringify(data)) as typeof data,
      text: [head, ...lines, ...(more ? [`More: skip=${skip + logs.length}.`] : [])].join('\n'),
    }
  },
})
