import * as Flags from '@oclif/core/flags'
import {ApiCommand} from '../api-command.js'
import {positiveInt, runIdArg} from '../flags.js'
import {jsonFlags} from '../output/fields.js'
import {DIFF_FIELDS} from '../cli/pr-choice.js'

export default class Diff extends ApiCommand {
  static override summary = "Show an agent run's pull request changes against its base, from git."
  static override description = `Fetches the pull request's head and its base into this clone (nothing else changes: no branch, no work tree file) and prints git's diff from where the PR left its base (base...head), as the PR page shows it. The base is the repository's default branch (the API does not say a PR's base), or --base BRANCH.
Colour on a terminal only (never with NO_COLOR); --json gives the files with their added and deleted lines instead of the patch.`
  static override examples = [
    '<%= config.bin %> diff 11745',
    '<%= config.bin %> diff 11745 --stat',
    '<%= config.bin %> diff 11745 --pr 2412 --name-only',
    '<%= config.bin %> diff 11745 --base develop',
  ]
  static override args = {agentRunId: runIdArg({required: true})}
  static override flags = {
    ...jsonFlags(DIFF_FIELDS),
    pr: Flags.custom<number>({description: "The pull request's number, when the run has several", parse: positiveInt('--pr')})(),
    stat: Flags.boolean({description: 'Only a summary of the changes per file', exclusive: ['name-only']}),
    'name-only': Flags.boolean({description: 'Only the names of the changed files', exclusive: ['stat']}),
    base: Flags.string({description: "The branch to compare with (default: the repository's default branch)"}),
  }

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(Diff)
    const {gitIn} = await import('../services/git.js')
    const {requireWorkTree, prDiffRange, diffFiles} = await import('../services/pr-git.js')
    const {choosePrFlag, prJson} = await import('../cli/pr-choice.js')
    const git = gitIn(this.io.cwd, this.io.env, this.io.stdin.isTTY)
    await requireWorkTree(git)
    const ctx = await this.context(flags)
    const run = await this.freshRun(ctx, args.agentRunId)
    const pr = choosePrFlag(run, flags.pr)
    const range = await prDiffRange(git, pr, flags.base)
    if (this.jsonEnabled()) {
      return {
        run_id: run.id,
        pr: prJson(pr),
        base: range.base,
        head_sha: range.headSha,
        merge_base: range.mergeBase,
        files: await diffFiles(git, range),
      }
    }
    const mode = flags.stat ? ['--stat'] : flags['name-only'] ? ['--name-only'] : []
    const color = this.style.color ? '--color=always' : '--color=never'
    // --no-ext-diff: the patch itself, not what an external diff tool of the user's config makes of it.
    const out = await git(['diff', '--no-ext-diff', color, ...mode, range.mergeBase, range.headSha, '--'])
    this.io.stdout.write(out.stdout)
    if (!out.stdout) this.note(`Pull request #${pr.number} changes nothing against ${range.base.branch}.`)
    return undefined
  }
}
