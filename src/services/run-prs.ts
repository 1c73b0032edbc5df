// A run's pull requests as git needs them: the repository, the number and the head branch, read from
// the API's PR objects. Only github.com URLs of the form /OWNER/NAME/pull/N count: the remote git
// fetches from is built from them, never taken as given.
import {CodegenError} from '../api/errors.js'
import type {AgentRun} from '../api/schemas.js'
import {prRef} from '../domain/run.js'
import {oneLine} from '../output/sanitize.js'
import type {GitHubRepo} from './git-repo.js'

export interface RunPr {
  number: number
  repo: GitHubRepo
  /** The PR's head branch, when the API names it. */
  headBranch?: string
  title?: string
  url: string
}

export function runPrs(run: AgentRun): RunPr[] {
  const out: RunPr[] = []
  for (const pr of run.github_pull_requests ?? []) {
    const ref = prRef(pr.url)
    if (!ref) continue
    const [owner, name] = ref.repo.split('/')
    out.push({
      number: ref.number,
      repo: {owner, name},
      headBranch: pr.head_branch_name ?? undefined,
      title: pr.title ?? undefined,
      url: pr.url!,
    })
  }
  return out
}

/** The one PR to work on: the only one, or the one `--pr` names; several and no choice is a usage error listing them. */
export function choosePr(run: AgentRun, number?: number): RunPr {
  const prs = runPrs(run)
  if (prs.length === 0) {
    throw new CodegenError('not_found', `Agent run ${run.id} has no GitHub pull request${number ? ` #${number}` : ''}.`, {
      hint: 'A run opens its pull request when it has changes to propose; look again once it has finished.',
    })
  }
  const list = prs.map((p) => `#${p.number} ${p.repo.owner}/${p.repo.name}${p.title ? `  ${oneLine(p.title)}` : ''}`).join('\n  ')
  if (number !== undefined) {
    const found = prs.filter((p) => p.number === number)
    if (found.length === 1) return found[0]
    throw new CodegenError(
      found.length === 0 ? 'not_found' : 'usage',
      found.length === 0
        ? `Agent run ${run.id} has no pull request #${number}. Its pull requests:\n  ${list}`
        : `Agent run ${run.id} has pull request #${number} in several repositories:\n  ${list}`,
    )
  }
  if (prs.length === 1) return prs[0]
  throw new CodegenError('usage', `Agent run ${run.id} has ${prs.length} pull requests; choose one by its number:\n  ${list}`)
}
