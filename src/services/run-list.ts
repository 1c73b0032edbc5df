import {CodegenError, usageError} from '../api/errors.js'
import {SOURCE_TYPES, type AgentRun} from '../api/schemas.js'
import {groupOf, isOnRepo, normaliseStatus, parseStatusFilter, type RepoNames, type RepoTarget} from '../domain/run.js'
import type {ServiceContext} from './context.js'
import {paged, take, API_MAX_PAGE} from './paging.js'
import {cachedRepoNames, closeMatches, repoTarget} from './repos.js'
import {iterateUsers} from './users.js'

// `list` (CLI) and `codegenapi_list` (MCP): the API filters by user and source type; status and
// repository are filtered here while paging, with the one repository rule of src/domain/run.ts.

export interface ListRunsRequest {
  status?: string
  repo?: string
  limit: number
  userId?: number
  /** A GitHub login, looked up among the organization's users. */
  user?: string
  mine?: boolean
  sourceType?: string
  /** Only the attempts of this group (`new --attempts`), by their metadata. */
  group?: string
  /** Pages in a row without a match after which a filtered walk stops (default MAX_FILTER_PAGES). */
  maxPages?: number
}

/**
 * A filtered listing stops (and says so) after this many pages (of 100 runs) in a row with no match
 * (F-79): a filter that matches nothing does not walk the whole history, while one that keeps
 * matching reads as far as --limit needs (a 1% filter meets 20 empty pages in a row about once in
 * 10^9 walks; 5 cut one off in half the bench's runs).
 */
export const MAX_FILTER_PAGES = 20

export function parseSourceType(input: string): string {
  const upper = input.trim().toUpperCase()
  if (!(SOURCE_TYPES as readonly string[]).includes(upper)) {
    throw usageError(`Unknown source type ${JSON.stringify(input)}.`, `Valid source types: ${SOURCE_TYPES.join(', ')}.`)
  }
  return upper
}

export interface RunListing {
  runs: AsyncGenerator<AgentRun>
  /** Repository names by repo_id (the cache), for showing which repository each run is on. */
  repos: RepoNames
  /**
   * How many runs were read, whether the page cap ended the walk before the runs ran out, and whether
   * the API has runs beyond those read.
   */
  scanned(): {runs: number; capped: boolean; more: boolean}
}

/** Resolves the filters (repository, user), then walks the runs newest first. */
export async function openRunListing(ctx: ServiceContext, req: Omit<ListRunsRequest, 'limit'> & {limit?: number}): Promise<RunListing> {
  const given = [req.mine && '--mine', req.userId !== undefined && '--user-id', req.user !== undefined && '--user'].filter(Boolean)
  if (given.length > 1) throw usageError(`Give only one of ${given.join(', ')}.`)
  const statuses = req.status !== undefined ? parseStatusFilter(req.status) : undefined
  const sourceType = req.sourceType !== undefined ? parseSourceType(req.sourceType) : undefined
  if (req.repo !== undefined && !req.repo.trim()) throw usageError('--repo needs a value.')
  const client = ctx.client()
  const orgId = ctx.orgId()
  // An unknown repository is refused with suggestions before any run is read.
  const target: RepoTarget | undefined = req.repo !== undefined ? await repoTarget(ctx, req.repo) : undefined
  const userId = req.mine ? (await client.me()).id : req.user !== undefined ? await userIdOf(ctx, req.user) : req.userId
  const repos = cachedRepoNames(ctx.env, orgId, ctx.config.baseUrl)
  const filtering = Boolean(statuses || target || req.group)
  const maxPages = filtering ? (req.maxPages ?? MAX_FILTER_PAGES) : Infinity
  // Unfiltered, ask for exactly what is wanted; filtered, full pages waste the fewest requests.
  const pageSize = filtering ? API_MAX_PAGE : Math.min(API_MAX_PAGE, req.limit ?? API_MAX_PAGE)
  let pages = 0
  let matchedOnPage = 0
  let scanned = 0
  let more = false
  let total = 0
  const all = paged(
    async (skip, limit) => {
      pages++
      const page = await client.runs(orgId, {user_id: userId, source_type: sourceType, skip, limit})
      more = skip + page.items.length < page.total && page.items.length === limit
      total = page.total
      return page
    },
    {pageSize},
  )
  async function* walk(): AsyncGenerator<AgentRun> {
    for await (const run of all) {
      scanned++
      if (
        !(statuses && !statuses.has(normaliseStatus(run.status))) &&
        !(target && !isOnRepo(run, target, {repos})) &&
        !(req.group && groupOf(run)?.id !== req.group)
      ) {
        matchedOnPage = pages
        yield run
      }
      // At the end of a page, after maxPages pages in a row with no match, stop.
      if (scanned >= pages * pageSize && pages - matchedOnPage >= maxPages) return
    }
    more = false
  }
  return {
    runs: walk(),
    repos,
    scanned: () => ({
      runs: scanned,
      capped: more && pages - matchedOnPage >= maxPages && scanned >= pages * pageSize,
      more: scanned < total,
    }),
  }
}

export async function listRuns(ctx: ServiceContext, req: ListRunsRequest): Promise<{runs: AgentRun[]; repos: RepoNames; capped: boolean}> {
  const listing = await openRunListing(ctx, req)
  const runs = await take(listing.runs, req.limit)
  return {runs, repos: listing.repos, capped: runs.length < req.limit && listing.scanned().capped}
}

/** A GitHub login -> the user id, among the organization's users; unknown ones get the closest logins. */
async function userIdOf(ctx: ServiceContext, login: string): Promise<number> {
  const wanted = login.trim().replace(/^@/, '').toLowerCase()
  if (!wanted) throw usageError('--user needs a GitHub login.')
  const logins: string[] = []
  for await (const user of iterateUsers(ctx)) {
    if (user.github_username.toLowerCase() === wanted) return user.id
    logins.push(user.github_username)
  }
  const close = closeMatches(wanted, logins)
  throw new CodegenError('not_found', `No user ${login} in organization ${ctx.orgId()}.`, {
    hint: close.length > 0 ? `Did you mean: ${close.join(', ')}?` : 'See the users with `codegenapi users`.',
  })
}
