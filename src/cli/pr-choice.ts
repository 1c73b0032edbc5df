// `checkout` and `diff`: the service's choice of PR, with the flag that makes it worded for the CLI.
import {CodegenError, isCodegenError} from '../api/errors.js'
import type {AgentRun} from '../api/schemas.js'
import {choosePr, type RunPr} from '../services/run-prs.js'

export function choosePrFlag(run: AgentRun, pr?: number): RunPr {
  try {
    return choosePr(run, pr)
  } catch (error) {
    if (isCodegenError(error) && error.kind === 'usage')
      throw new CodegenError('usage', error.message, {hint: 'Choose one with --pr NUMBER.'})
    throw error
  }
}

/** What `checkout --json` and `diff --json` say about the PR. */
export function prJson(p: RunPr): {number: number; repo: string; url: string; head_branch: string | null; title: string | null} {
  return {number: p.number, repo: `${p.repo.owner}/${p.repo.name}`, url: p.url, head_branch: p.headBranch ?? null, title: p.title ?? null}
}

/** The fields of `checkout --json` and `diff --json` (for --json FIELDS). */
export const CHECKOUT_FIELDS = ['run_id', 'pr', 'branch', 'sha', 'action', 'fetched_from'] as const
export const DIFF_FIELDS = ['run_id', 'pr', 'base', 'head_sha', 'merge_base', 'files'] as const
