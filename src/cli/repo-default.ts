// `new` and `list` without --repo or --repo-id, run inside a clone of a GitHub repository: that
// repository, as gh does. Said on stderr before anything is sent (stdout and --json are unchanged),
// so a paid run never goes to a repository the user did not see named.
import {oneLine} from '../output/sanitize.js'

/** The env variable that turns this off (a run with no repository from inside a clone). */
export const NO_GIT_REPO_ENV = 'CODEGENAPI_NO_GIT_REPO'

export async function repoDefault(
  flags: {repo?: string; 'repo-id'?: number},
  note: (text: string) => void,
  opts: {cwd?: string; env?: NodeJS.ProcessEnv} = {},
): Promise<string | undefined> {
  if (flags.repo !== undefined || flags['repo-id'] !== undefined) return flags.repo
  const env = opts.env ?? process.env
  if (env[NO_GIT_REPO_ENV] && env[NO_GIT_REPO_ENV] !== '0') return undefined
  const {repoFromWorkingDirectory} = await import('../services/git-repo.js')
  const found = await repoFromWorkingDirectory(opts.cwd)
  if (!found) return undefined
  const fullName = `${found.repo.owner}/${found.repo.name}`
  note(`Using repository ${fullName} from the git remote ${oneLine(found.remote)} (--repo chooses another; ${NO_GIT_REPO_ENV}=1 for none).`)
  return fullName
}
