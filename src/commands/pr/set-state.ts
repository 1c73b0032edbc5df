import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {ApiCommand} from '../../api-command.js'
import {positiveInt} from '../../flags.js'
import {jsonFlags} from '../../output/fields.js'
import {paint} from '../../output/format.js'
import {PR_STATE_FIELDS} from '../../output/rest-json-fields.js'
import {oneLine} from '../../output/sanitize.js'
import {PR_STATE_WORDS, type SetPrStateResult} from '../../services/prs.js'

export default class PrSetState extends ApiCommand {
  static override summary = 'Open, close, mark as draft or mark as ready a pull request.'
  static override description = `PR_ID is the pull request's id in Codegen (the \`id\` in a run's github_pull_requests: \`codegenapi get RUN --json github_pull_requests\`), not its number on GitHub. With --run, the repository is taken from that run's pull request and the API's repository-scoped endpoint is used. At most 30 changes a minute (the API's limit).`
  static override examples = [
    '<%= config.bin %> pr set-state 8812 ready',
    '<%= config.bin %> pr set-state 8812 closed --run 11745',
    '<%= config.bin %> pr set-state 8812 draft --json',
  ]
  static override args = {
    prId: Args.custom<number>({name: 'PR_ID', description: 'Pull request id (Codegen)', parse: positiveInt('PR_ID')})({required: true}),
    state: Args.string({name: 'STATE', description: `New state: ${PR_STATE_WORDS.join(', ')}`, required: true}),
  }
  static override flags = {
    ...jsonFlags(PR_STATE_FIELDS),
    run: Flags.custom<number>({description: "Take the repository from this agent run's pull request", parse: positiveInt('--run')})(),
  }

  async run(): Promise<SetPrStateResult> {
    const {args, flags} = await this.parse(PrSetState)
    const {parsePrState, setPrState} = await import('../../services/prs.js')
    // A bad state is refused before anything is sent, configuration included.
    parsePrState(args.state)
    const ctx = await this.context(flags)
    const result = await setPrState(ctx, {prId: args.prId, state: args.state, runId: flags.run})
    const what = result.number ? `#${result.number}` : `${result.pr_id}`
    this.out(
      `${paint(this.style, 'green', '✓')} Pull request ${what} is ${oneLine(result.state ?? result.requested_state)}${result.title ? `: ${oneLine(result.title)}` : ''}${result.url ? `\n${oneLine(result.url)}` : ''}`,
    )
    return result
  }
}
