// The GitHub repository of the working directory, found as gh finds it: the remote named origin,
// else the only remote. Only github.com remotes count; anything else leaves the command as it was.
import {mayBeInCheckout} from './git-dir.js'
import {gitIn, isWorkTree, remotes, type Git} from './git.js'

export interface GitHubRepo {
  owner: string
  name: string
}

const PART = /^[A-Za-z0-9_.-]+$/

/**
 * OWNER/NAME of a github.com remote URL: https://github.com/O/N(.git), ssh://git@github.com/O/N.git,
 * git@github.com:O/N.git, git://github.com/O/N.git (and ssh.github.com:443). Anything else: undefined.
 */
export function parseGitHubRemote(url: string): GitHubRepo | undefined {
  const u = url.trim()
  let host: string
  let path: string
  const scp = /^(?:[^@/:]+@)?([^/:]+):(?!\/\/)(.+)$/.exec(u)
  if (!u.includes('://') && scp) {
    host = scp[1]
    path = scp[2]
  } else {
    let parsed: URL
    try {
      parsed = new URL(u)
    } catch {
      return undefined
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(parsed.protocol)) return undefined
    host = parsed.hostname
    path = decodeURIComponent(parsed.pathname)
  }
  host = host.toLowerCase()
  if (host !== 'github.com' && host !== 'www.github.com' && host !== 'ssh.github.com') return undefined
  const parts = path
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/, '')
    .split('/')
  if (parts.length !== 2) return undefined
  const [owner, name] = parts
  if (![owner, name].every((p) => PART.test(p) && !/^\.+$/.test(p))) return undefined
  return {owner, name}
}

export interface RepoFromRemote {
  repo: GitHubRepo
  /** The remote's name (origin, or the only one). */
  remote: string
}

/** The remote gh would use: origin, else the only remote; undefined outside a work tree or with none. */
export async function repoFromWorkingDirectory(
  cwd: string,
  env: NodeJS.ProcessEnv,
  git: Git = gitIn(cwd, env),
): Promise<RepoFromRemote | undefined> {
  if (!mayBeInCheckout(cwd, env) || !(await isWorkTree(git))) return undefined
  const all = await remotes(git)
  const name = all.has('origin') ? 'origin' : all.size === 1 ? [...all.keys()][0] : undefined
  if (name === undefined) return undefined
  const repo = parseGitHubRemote(all.get(name)!)
  return repo && {repo, remote: name}
}

/** The remote (by name) whose URL is this GitHub repository, if the clone has one. */
export async function remoteFor(git: Git, repo: GitHubRepo): Promise<string | undefined> {
  const same = (r?: GitHubRepo) =>
    r !== undefined && r.owner.toLowerCase() === repo.owner.toLowerCase() && r.name.toLowerCase() === repo.name.toLowerCase()
  const all = await remotes(git)
  if (same(parseGitHubRemote(all.get('origin') ?? ''))) return 'origin'
  for (const [remote, url] of all) if (same(parseGitHubRemote(url))) return remote
  return undefined
}
