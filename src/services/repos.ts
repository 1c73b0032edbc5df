import path from 'node:path'
import {CodegenError, usageError} from '../api/errors.js'
import type {Repo} from '../api/schemas.js'
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

interface RepoCache {
  at: number
  repos: {id: number; full_name: string}[]
}

/**
 * OWNER/NAME -> the API's repo_id. The API has no lookup by name, so this pages through the org's
 * repositories; the name list is cached per org and API origin for a few minutes.
 */
export async function resolveRepo(ctx: ServiceContext, name: string): Promise<{id: number; full_name: string}> {
  const wanted = checkRepoName(name).toLowerCase()
  const orgId = ctx.orgId()
  const file = path.join(cacheDir(ctx.env), `repos-${orgId}-${hashOrigin(ctx.config.baseUrl)}.json`)
  const cached = (await readJsonFile(file, 'repository cache').catch(() => undefined)) as RepoCache | undefined
  const fresh = cached && Array.isArray(cached.repos) && Date.now() - cached.at < REPO_CACHE_TTL_MS
  const hit = fresh ? cached.repos.find((r) => r.full_name.toLowerCase() === wanted) : undefined
  if (hit) return hit

  const repos: {id: number; full_name: string}[] = []
  for await (const repo of iterateRepos(ctx)) repos.push({id: repo.id, full_name: repo.full_name})
  await writeFileAtomic(file, JSON.stringify({at: Date.now(), repos} satisfies RepoCache)).catch(() => undefined)
  const found = repos.find((r) => r.full_name.toLowerCase() === wanted)
  if (found) return found
  const close = closeMatches(
    wanted,
    repos.map((r) => r.full_name),
  )
  throw new CodegenError('not_found', `Repository ${name} is not in organization ${orgId}.`, {
    hint: close.length > 0 ? `Did you mean: ${close.join(', ')}?` : 'See the repositories with `codegenapi repos`.',
  })
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
