import {sleep} from '../api/rate-limiter.js'
import type {AgentRun, AgentRunLog, AgentRunWithLogs} from '../api/schemas.js'
import type {ServiceContext} from './context.js'
import {paged, API_MAX_PAGE} from './paging.js'
import {isTerminal} from './status.js'

// Create and resume live in start-run.ts; exported here too, where callers have always found them.
export {
  AGENT_TYPES,
  createPrepared,
  createRun,
  findCreatedRun,
  prepareRun,
  RESERVED_METADATA_KEYS,
  resumeRun,
  type AgentType,
  type CreatedRun,
  type NewRunRequest,
  type PreparedRun,
  type ResumeRequest,
  type StartOptions,
} from './start-run.js'

export function getRun(ctx: ServiceContext, runId: number, signal?: AbortSignal): Promise<AgentRun> {
  return ctx.client().run(ctx.orgId(), runId, signal)
}

// --- logs -------------------------------------------------------------------------------------

export interface LogsRequest {
  skip?: number
  limit?: number
  reverse?: boolean
}

/** One page of logs (at most 100), with the run's status: what MCP returns. */
export function getLogsPage(ctx: ServiceContext, runId: number, req: LogsRequest = {}): Promise<AgentRunWithLogs> {
  return ctx
    .client()
    .logs(ctx.orgId(), runId, {skip: req.skip, limit: Math.min(API_MAX_PAGE, req.limit ?? API_MAX_PAGE), reverse: req.reverse})
}

/** Every log entry from `skip`, page by page: `logs --limit 5000` prints as it goes. */
export async function* iterateLogs(
  ctx: ServiceContext,
  runId: number,
  req: LogsRequest & {onPage?: (page: AgentRunWithLogs) => void} = {},
): AsyncGenerator<AgentRunLog> {
  const client = ctx.client()
  const orgId = ctx.orgId()
  const source = paged(
    async (skip, limit) => {
      const page = await client.logs(orgId, runId, {skip, limit, reverse: req.reverse})
      req.onPage?.(page)
      return {
        items: page.logs,
        total: page.total_logs ?? Number.MAX_SAFE_INTEGER,
        page: page.page ?? 0,
        size: page.size ?? limit,
        pages: page.pages ?? 0,
      }
    },
    {skip: req.skip, pageSize: req.limit},
  )
  let n = 0
  for await (const entry of source) {
    yield entry
    if (req.limit !== undefined && ++n >= req.limit) return
  }
}

/**
 * Polls for new log entries until the run is terminal, handing each batch to `onEntries`.
 * Returns the last page read (the run's final status, without its entries).
 */
export async function followLogs(
  ctx: ServiceContext,
  runId: number,
  opts: {skip?: number; intervalMs?: number; signal?: AbortSignal; onEntries: (entries: AgentRunLog[]) => void},
): Promise<AgentRunWithLogs> {
  const client = ctx.client()
  const orgId = ctx.orgId()
  let seen = opts.skip ?? 0
  for (;;) {
    const page = await client.logs(orgId, runId, {skip: seen, limit: API_MAX_PAGE}, opts.signal)
    if (page.logs.length > 0) {
      opts.onEntries(page.logs)
      seen += page.logs.length
      if (page.logs.length === API_MAX_PAGE) continue
    }
    if (isTerminal(page.status)) return {...page, logs: []}
    await sleep(opts.intervalMs ?? 2000, opts.signal)
  }
}
