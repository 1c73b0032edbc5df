import {readFileSync} from 'node:fs'
import path from 'node:path'
import * as z from 'zod/mini'
import {CodegenError, usageError} from '../api/errors.js'
import {MAX_RUN_ID, repoQuery, type RepoNames, type RepoTarget} from '../domain/run.js'
import {built, type Repo} from '../api/schemas.js'
import type {ServiceContext} from './context.js'
import {readJsonFile, writeFileAtomic} from './files.js'
import {paged, take} from './paging.js'
import {cacheDir} from './paths.js'

const REPO_CACHE_TTL_MS = 10 * 60 * 1000

export function iterateRepos(ctx: ServiceContext): AsyncGenerator<Repo> {
  const client = ctx.client()
  const orgId = ctx.orgId()
  return paged((skip, limit) => client.repos(orgId, {skip, limit}))
}

export async function listRepos(ctx: ServiceContext, opts: {limit: number; search?: string}): Promise<Repo[]> {
  const needle = opts.search?.trim().toLowerCase()
  async function* filtered() {
    for await (const repo of iterateRepos(ctx)) {
      if (!needle || repo.full_name.toLowerCase().includes(needle) || (repo.description ?? '').toLowerCase().includes(needle)) yield repo
    }
  }
  return take(filtered(), opts.limit)
}

const REPO_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/

export function checkRepoName(name: string): string {
  const trimmed = name
    .trim()
    .replace(/^https:\/\/github\.com\//, '')
    .replace(/\.git$/, '')
  if (!REPO_NAME.test(trimmed)) throw usageError(`Repository ${JSON.stringify(name)} is not in OWNER/NAME form.`)
  return trimmed
}

/** The cached repository list: entries that do not fit are dropped, an `at` in the future is stale (F-69). */
// Built on first use: `list` loads this module on every run, and reads the cache only now and then.
const RepoCacheSchema = built(() =>
  z.object({
    at: z.number(),
    repos: z.array(z.unknown()),
  }),
)
const CachedRepoSchema = built(() =>
  z.object({
    id: z.int().check(z.gte(1), z.lte(MAX_RUN_ID)),
    full_name: z.string().check(z.regex(REPO_NAME)),
  }),
)
type CachedRepo = z.infer<ReturnType<typeof CachedRepoSchema>>

interface RepoCache {
  at: number
  repos: CachedRepo[]
}

export function parseRepoCache(data: unknown, now = Date.now()): (RepoCache & {fresh: boolean}) | undefined {
  const doc = RepoCacheSchema().safeParse(data)
  if (!doc.success) return undefined
  const repos: CachedRepo[] = []
  for (const entry of doc.data.repos) {
    const repo = CachedRepoSchema().safeParse(entry)
    if (repo.success) repos.push({id: repo.data.id, full_name: repo.data.full_name})
  }
  const age = now - doc.data.at
  return {at: doc.data.at, repos, fresh: age >= 0 && age < REPO_CACHE_TTL_MS}
}

export const repoCacheFile = (env: NodeJS.ProcessEnv, orgId: number, baseUrl: string) =>
  path.join(cacheDir(env), `repos-${orgId}-${hashOrigin(baseUrl)}.json`)

/** Every repository of the organization: from the cache when fresh, else read from the API and cached. */
export async function orgRepos(ctx: ServiceContext): Promise<CachedRepo[]> {
  const file = repoCacheFile(ctx.env, ctx.orgId(), ctx.config.baseUrl)
  const cached = parseRepoCache(await readJsonFile(file, 'repository cache').catch(() => undefined))
  if (cached?.fresh) return cached.repos
  const repos: CachedRepo[] = []
  for await (const repo of iterateRepos(ctx)) repos.push({id: repo.id, full_name: repo.full_name})
  await writeFileAtomic(file, JSON.stringify({at: Date.now(), repos} satisfies RepoCache)).catch(() => undefined)
  return repos
}

/**
 * Names by repo_id from the cache, read in place whatever its age (names seldom change): to say which
 * repository a run started with a repo_id is on, without a request. Empty when there is no cache.
 */
export function cachedRepoNames(env: NodeJS.ProcessEnv, orgId: number, baseUrl: string): RepoNames {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(repoCacheFile(env, orgId, baseUrl), 'utf8'))
  } catch {
    return new Map()
  }
  return new Map((parseRepoCache(data)?.repos ?? []).map((r) => [r.id, r.full_name]))
}

/**
 * OWNER/NAME -> the API's repo_id. The API has no lookup by name, so this pages through the org's
 * repositories; the name list is cached per org and API origin for a few minutes.
 */
export async function resolveRepo(ctx: ServiceContext, name: string): Promise<{id: number; full_name: string}> {
  const wanted = checkRepoName(name).toLowerCase()
  const orgId = ctx.orgId()
  const file = repoCacheFile(ctx.env, orgId, ctx.config.baseUrl)
  const cached = parseRepoCache(await readJsonFile(file, 'repository cache').catch(() => undefined))
  const hit = cached?.fresh ? cached.repos.find((r) => r.full_name.toLowerCase() === wanted) : undefined
  if (hit) return hit

  const repos: CachedRepo[] = []
  for await (const repo of iterateRepos(ctx)) repos.push({id: repo.id, full_name: repo.full_name})
  await writeFileAtomic(file, JSON.stringify({at: Date.now(), repos} satisfies RepoCache)).catch(() => undefined)
  const found = repos.find((r) => r.full_name.toLowerCase() === wanted)
  if (found) return found
  throw unknownRepo(name, orgId, repos)
}

/**
 * repo_id -> its OWNER/NAME, so the run's metadata names the repository it is on (F-39): from the
 * cached list, read again when the id is not in it (a repository added since).
 */
export async function resolveRepoId(ctx: ServiceContext, id: number): Promise<{id: number; full_name: string}> {
  const known = (await orgRepos(ctx)).find((r) => r.id === id)
  if (known) return known
  for await (const repo of iterateRepos(ctx)) if (repo.id === id) return {id: repo.id, full_name: repo.full_name}
  throw new CodegenError('not_found', `Repository id ${id} is not in organization ${ctx.orgId()}.`, {next: {kind: 'list_repos'}})
}

export function unknownRepo(name: string, orgId: number, repos: {full_name: string}[]): CodegenError {
  const close = closeMatches(
    name,
    repos.map((r) => r.full_name),
  )
  return new CodegenError('not_found', `Repository ${name} is not in organization ${orgId}.`, {
    ...(close.length > 0 ? {hint: `Did you mean: ${close.join(', ')}?`} : {next: {kind: 'list_repos'}}),
  })
}

/**
 * What `list --repo` asks for: OWNER/NAME, or NAME under any owner, checked against the organization's
 * repositories; an unknown one is refused with the closest names (F-79).
 */
export async function repoTarget(ctx: ServiceContext, input: string): Promise<RepoTarget> {
  const wanted = repoQuery(input)
  const lower = wanted.toLowerCase()
  const repos = await orgRepos(ctx)
  const matches = lower.includes('/')
    ? repos.filter((r) => r.full_name.toLowerCase() === lower)
    : repos.filter((r) => r.full_name.toLowerCase().split('/')[1] === lower)
  if (matches.length === 0) throw unknownRepo(wanted, ctx.orgId(), repos)
  return {name: matches.length === 1 ? matches[0].full_name : wanted, ids: matches.map((r) => r.id)}
}

function hashOrigin(url: string): string {
  let h = 0
  for (const c of url) h = (h * 31 + c.charCodeAt(0)) >>> 0
  return h.toString(36)
}

/** Up to three names nearest to `wanted`: same repo name under another owner, substrings, small edits. */
export function closeMatches(wanted: string, names: string[], max = 3): string[] {
  const w = wanted.toLowerCase()
  const wName = w.split('/').pop()!
  const scored = names.map((n) => {
    const l = n.toLowerCase()
    const lName = l.split('/').pop()!
    let score = editDistance(w, l)
    if (lName === wName) score -= 100
    else if (lName.includes(wName) || wName.includes(lName)) score -= 50
    return {n, score}
  })
  const limit = Math.max(3, Math.floor(w.length / 2))
  return scored
    .filter((s) => s.score <= limit)
    .sort((a, b) => a.score - b.score)
    .slice(0, max)
    .map((s) => s.n)
}

function editDistance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return row[b.length]
}
