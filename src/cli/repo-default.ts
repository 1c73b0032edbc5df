// `new` and `list` without --repo or --repo-id, run inside a clone of a GitHub repository: that
// repository, as gh does. Said on stderr before anything is sent (stdout and --json are unchanged),
// so a paid run never goes to a repository the user did not see named.
import {isCodegenError} from '../api/errors.js'
import {oneLine} from '../output/sanitize.js'
import type {ServiceContext} from '../services/context.js'
import {mayBeInCheckout} from '../services/git-dir.js'

/** The env variable that turns this off (a run with no repository from inside a clone). */
export const NO_GIT_REPO_ENV = 'CODEGENAPI_NO_GIT_REPO'

export async function repoDefault(
  flags: {repo?: string; 'repo-id'?: number},
  note: (text: string) => void,
  opts: {cwd: string; env: NodeJS.ProcessEnv},
): Promise<string | undefined> {
  if (flags.repo !== undefined || flags['repo-id'] !== undefined) return flags.repo
  const env = opts.env
  if (env[NO_GIT_REPO_ENV] && env[NO_GIT_REPO_ENV] !== '0') return undefined
  if (!mayBeInCheckout(opts.cwd, env)) return undefined
  const {repoFromWorkingDirectory} = await import('../services/git-repo.js')
  const found = await repoFromWorkingDirectory(opts.cwd, env)
  if (!found) return undefined
  const fullName = `${found.repo.owner}/${found.repo.name}`
  note(`Using repository ${fullName} from the git remote ${oneLine(found.remote)} (--repo chooses another; ${NO_GIT_REPO_ENV}=1 for none).`)
  return fullName
}

/**
 * For `list` only: a clone's repository the organization does not have lists every run instead, said
 * on stderr (a clone of anything on GitHub must not break `list`). `new` keeps the refusal: a paid run
 * is never sent to a repository other than the one named.
 */
export async function repoIfInOrg(
  ctx: ServiceContext,
  repo: string | undefined,
  note: (text: string) => void,
): Promise<string | undefined> {
  if (repo === undefined) return undefined
  const {resolveRepo} = await import('../services/repos.js')
  try {
    return (await resolveRepo(ctx, repo)).full_name
  } catch (error) {
    if (!isCodegenError(error) || error.kind !== 'not_found') throw error
    note(`${repo} is not a repository of organization ${ctx.orgId()}: listing the runs of every repository.`)
    return undefined
  }
}
