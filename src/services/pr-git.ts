// A run's pull request in the local clone: fetched from its GitHub repository (the clone's remote for
// it when there is one, else its https URL, so the user's own git credentials and config apply), then
// checked out or diffed. Git does the work; nothing here holds or sends the API token.
import {CodegenError} from '../api/errors.js'
import {oneLine} from '../output/sanitize.js'
import {isWorkTree, type Git} from './git.js'
import {remoteFor} from './git-repo.js'
import type {RunPr} from './run-prs.js'

export interface FetchedPr {
  /** The remote's name when the clone has one for the PR's repository, else its https URL. */
  source: string
  remote?: string
  /** The ref fetched: the head branch, or refs/pull/N/head once the branch is gone. */
  headRef: string
  headSha: string
  base?: {branch: string; sha: string}
}

/** Refuses outside a work tree (a usage error: the command was run in the wrong place). */
export async function requireWorkTree(git: Git): Promise<void> {
  if (!(await isWorkTree(git))) {
    throw new CodegenError('usage', 'This is not a git work tree: run it inside a clone of the repository.')
  }
}

/** Refuses when tracked files have changes (staged or not): nothing is changed then. */
export async function requireClean(git: Git): Promise<void> {
  const status = await git(['status', '--porcelain', '--untracked-files=no'])
  if (status.stdout.trim()) {
    const files = status.stdout
      .trimEnd()
      .split('\n')
      .slice(0, 5)
      .map((l) => oneLine(l.slice(3)))
    throw new CodegenError(
      'conflict',
      `The work tree has uncommitted changes (${files.join(', ')}${status.stdout.trimEnd().split('\n').length > 5 ? ', ...' : ''}): nothing was changed.`,
      {hint: 'Commit or stash them first.'},
    )
  }
}

/**
 * Fetches the PR's head (and, with `base`, the branch it is compared with: the one given, else the
 * repository's default branch) into the object store; the SHAs come from ls-remote, checked after.
 */
export async function fetchPr(git: Git, pr: RunPr, opts: {base?: string | true} = {}): Promise<FetchedPr> {
  const remote = await remoteFor(git, pr.repo)
  const source = remote ?? `https://github.com/${pr.repo.owner}/${pr.repo.name}.git`
  const pullRef = `refs/pull/${pr.number}/head`
  const branchRef = pr.headBranch ? `refs/heads/${await checkBranchName(git, pr.headBranch)}` : undefined
  const baseRef = typeof opts.base === 'string' ? `refs/heads/${await checkBranchName(git, opts.base)}` : undefined
  const patterns = ['HEAD', pullRef, ...(branchRef ? [branchRef] : []), ...(baseRef ? [baseRef] : [])]
  const listed = await git(['ls-remote', '--symref', source, ...patterns])
  const refs = new Map<string, string>()
  let defaultBranch: string | undefined
  for (const line of listed.stdout.split('\n')) {
    const sym = /^ref: refs\/heads\/(\S+)\tHEAD$/.exec(line)
    if (sym) defaultBranch = sym[1]
    const m = /^([0-9a-f]{40,64})\t(\S+)$/.exec(line)
    if (m) refs.set(m[2], m[1])
  }
  // The head branch while it exists; GitHub's pull ref after it was deleted (a merged PR).
  const headRef = branchRef && refs.has(branchRef) ? branchRef : refs.has(pullRef) ? pullRef : undefined
  if (!headRef) {
    throw new CodegenError(
      'not_found',
      `The head of pull request #${pr.number}${pr.headBranch ? ` (branch ${oneLine(pr.headBranch)})` : ''} was not found in ${pr.repo.owner}/${pr.repo.name}.`,
    )
  }
  let base: FetchedPr['base']
  let baseFetch: string | undefined
  if (opts.base) {
    const branch = baseRef ? baseRef.slice('refs/heads/'.length) : defaultBranch
    const sha = baseRef ? refs.get(baseRef) : refs.get('HEAD')
    if (!branch || !sha) {
      throw new CodegenError(
        'not_found',
        baseRef
          ? `Branch ${oneLine(branch ?? '')} was not found in ${pr.repo.owner}/${pr.repo.name}.`
          : `The default branch of ${pr.repo.owner}/${pr.repo.name} could not be read.`,
      )
    }
    base = {branch, sha}
    baseFetch = `refs/heads/${branch}`
  }
  await git(['fetch', '--no-tags', '--quiet', source, headRef, ...(baseFetch ? [baseFetch] : [])])
  const headSha = refs.get(headRef)!
  for (const sha of [headSha, base?.sha]) {
    if (!sha) continue
    const has = await git(['cat-file', '-e', `${sha}^{commit}`], {allowFail: true})
    if (has.code !== 0) throw new CodegenError('conflict', 'The pull request moved while it was fetched: try again.')
  }
  return {source, remote, headRef, headSha, base}
}

/** A branch name git accepts, from the API: refused otherwise (never passed on as an option). */
async function checkBranchName(git: Git, name: string): Promise<string> {
  const ok = !name.startsWith('-') && (await git(['check-ref-format', '--branch', name], {allowFail: true})).code === 0
  if (!ok) throw new CodegenError('unexpected_response', `The branch name ${JSON.stringify(oneLine(name))} is not one git accepts.`)
  return name
}

export interface CheckedOut {
  branch: string
  sha: string
  /** created: a new local branch; updated: fast-forwarded; current: already there. */
  action: 'created' | 'updated' | 'current'
  fetched: FetchedPr
}

/**
 * Like `gh pr checkout`: the PR's head branch, fetched and switched to. A new local branch is made
 * (tracking the remote's when the clone has one); an existing one is fast-forwarded, never reset: one
 * with commits the PR does not have is refused, with nothing changed.
 */
export async function checkoutPr(git: Git, pr: RunPr): Promise<CheckedOut> {
  await requireClean(git)
  const fetched = await fetchPr(git, pr)
  const branch = pr.headBranch ?? `pr-${pr.number}`
  await checkBranchName(git, branch)
  const sha = fetched.headSha
  const local = await git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], {allowFail: true})
  if (local.code !== 0) {
    await git(['checkout', '--quiet', '-b', branch, sha])
    if (fetched.remote && fetched.headRef === `refs/heads/${branch}`) {
      // The opportunistic remote-tracking ref of `git fetch origin BRANCH`: track it when it is there.
      const tracking = `refs/remotes/${fetched.remote}/${branch}`
      if ((await git(['rev-parse', '--verify', '--quiet', tracking], {allowFail: true})).code === 0)
        await git(['branch', '--quiet', `--set-upstream-to=${fetched.remote}/${branch}`, branch], {allowFail: true})
    }
    return {branch, sha, action: 'created', fetched}
  }
  const localSha = local.stdout.trim()
  if (localSha === sha) {
    await git(['checkout', '--quiet', branch])
    return {branch, sha, action: 'current', fetched}
  }
  const ff = await git(['merge-base', '--is-ancestor', localSha, sha], {allowFail: true})
  if (ff.code !== 0) {
    throw new CodegenError(
      'conflict',
      `The local branch ${branch} has commits the pull request's head does not have: nothing was changed.`,
      {hint: `Rename or delete the local branch, or merge ${sha.slice(0, 12)} into it yourself.`},
    )
  }
  await git(['checkout', '--quiet', branch])
  await git(['merge', '--quiet', '--ff-only', sha])
  return {branch, sha, action: 'updated', fetched}
}

export interface PrDiff {
  base: {branch: string; sha: string}
  headSha: string
  /** Where the PR's branch left its base: what the diff is taken from (base...head). */
  mergeBase: string
  fetched: FetchedPr
}

/** Fetches the PR's head and its base, for `git diff base...head`. */
export async function prDiffRange(git: Git, pr: RunPr, base?: string): Promise<PrDiff> {
  const fetched = await fetchPr(git, pr, {base: base ?? true})
  const mb = await git(['merge-base', fetched.base!.sha, fetched.headSha], {allowFail: true})
  if (mb.code !== 0) {
    throw new CodegenError('conflict', `Pull request #${pr.number} has no history in common with ${fetched.base!.branch}.`)
  }
  return {base: fetched.base!, headSha: fetched.headSha, mergeBase: mb.stdout.trim(), fetched}
}

export interface DiffFile {
  path: string
  /** null for a binary file. */
  additions: number | null
  deletions: number | null
}

/** What changed, file by file (git diff --numstat -z; renames shown as the new path). */
export async function diffFiles(git: Git, range: PrDiff): Promise<DiffFile[]> {
  const r = await git(['diff', '--no-ext-diff', '--numstat', '-z', '--no-renames', range.mergeBase, range.headSha, '--'])
  const out: DiffFile[] = []
  for (const entry of r.stdout.split('\0')) {
    const m = /^(\d+|-)\t(\d+|-)\t([\s\S]+)$/.exec(entry)
    if (!m) continue
    out.push({path: m[3], additions: m[1] === '-' ? null : Number(m[1]), deletions: m[2] === '-' ? null : Number(m[2])})
  }
  return out
}
