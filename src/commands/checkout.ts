import * as Flags from '@oclif/core/flags'
import {ApiCommand} from '../api-command.js'
import {positiveInt, runIdArg} from '../flags.js'
import {jsonFlags} from '../output/fields.js'
import {CHECKOUT_FIELDS} from '../cli/pr-choice.js'
import {paint} from '../output/format.js'
import {oneLine} from '../output/sanitize.js'

export default class Checkout extends ApiCommand {
  static override summary = "Check out an agent run's pull request branch in this clone."
  static override description = `Fetches the head branch of the run's pull request from its GitHub repository (the clone's remote for it, else its https URL, with your own git credentials) and switches to it, as \`gh pr checkout\` does. A new local branch is created (tracking the remote's); an existing one is fast-forwarded, never reset, and one with commits the pull request lacks is refused.
Refused, with nothing changed, when tracked files have uncommitted changes. A run with several pull requests needs --pr NUMBER (without it they are listed, exit 2).`
  static override examples = ['<%= config.bin %> checkout 11745', '<%= config.bin %> checkout 11745 --pr 2412']
  static override args = {agentRunId: runIdArg({required: true})}
  static override flags = {
    ...jsonFlags(CHECKOUT_FIELDS),
    pr: Flags.custom<number>({description: "The pull request's number, when the run has several", parse: positiveInt('--pr')})(),
  }

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(Checkout)
    const {gitIn} = await import('../services/git.js')
    const {requireWorkTree, requireClean, checkoutPr} = await import('../services/pr-git.js')
    const {choosePrFlag, prJson} = await import('../cli/pr-choice.js')
    const git = gitIn(this.io.cwd, this.io.env, this.io.stdin.isTTY)
    // Local refusals first: a dirty tree costs no request.
    await requireWorkTree(git)
    await requireClean(git)
    const ctx = await this.context(flags)
    const run = await this.freshRun(ctx, args.agentRunId)
    const pr = choosePrFlag(run, flags.pr)
    const done = await checkoutPr(git, pr)
    const what = {created: 'new branch', updated: 'branch (fast-forwarded)', current: 'branch'}[done.action]
    this.out(
      `${paint(this.style, 'green', '✓')} Switched to ${what} ${oneLine(done.branch)} at ${done.sha.slice(0, 12)}: pull request #${pr.number} of ${pr.repo.owner}/${pr.repo.name}${pr.title ? `, ${oneLine(pr.title)}` : ''}`,
    )
    return {
      run_id: run.id,
      pr: prJson(pr),
      branch: done.branch,
      sha: done.sha,
      action: done.action,
      fetched_from: done.fetched.remote ?? done.fetched.source,
    }
  }
}
