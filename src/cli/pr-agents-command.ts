import * as Flags from '@oclif/core/flags'
import {ApiCommand} from '../api-command.js'
import type {PrAgentsAction} from '../api/rest.js'
import {runIdArg} from '../flags.js'
import {jsonFlags} from '../output/fields.js'
import {PR_AGENTS_FIELDS} from '../output/rest-json-fields.js'
import {paint} from '../output/format.js'
import {oneLine} from '../output/sanitize.js'
import type {PrAgentsResult} from '../services/pr-agents.js'

// Each command sets these as its own statics: oclif's parse copies a command's own properties only.
export const prAgentsArgs = {agentRunId: runIdArg({required: true})}
export const prAgentsFlags = {
  ...jsonFlags(PR_AGENTS_FIELDS),
  yes: Flags.boolean({char: 'y', description: 'Do it without asking (required when there is no terminal to ask on)'}),
}

/** `stop`, `remove-from-pr` and `unban`: one shell, the action named by each command. */
export abstract class PrAgentsCommand extends ApiCommand {
  static override args = prAgentsArgs
  static override flags = prAgentsFlags

  protected abstract readonly action: PrAgentsAction
  /** Whether a person must confirm first (stop and remove-from-pr stop agents; unban does not). */
  protected abstract readonly needsConfirmation: boolean

  async run(): Promise<PrAgentsResult> {
    const {args, flags} = await this.parse(this.constructor as typeof PrAgentsCommand)
    const runId = args.agentRunId
    const {actOnPrAgents, doneText, effectOf, pullRequestsOf} = await import('../services/pr-agents.js')
    const ctx = await this.context(flags)
    if (this.needsConfirmation && !flags.yes) {
      const {canAsk, confirmOrRefuse} = await import('./confirm.js')
      const effect = effectOf(this.action, runId)
      if (canAsk(this.io)) {
        // Name the pull request the person is about to act on; this read sends nothing that acts.
        const prs = await pullRequestsOf(ctx, runId)
        this.note(effect)
        this.note(
          prs.length
            ? prs.map((pr) => `  ${oneLine(pr.title ?? `PR ${pr.id}`)}  ${oneLine(pr.url ?? '')}`).join('\n')
            : `  Agent run ${runId} has no pull request on record.`,
        )
      }
      await confirmOrRefuse({yes: flags.yes, question: 'Continue?', refusal: `${effect} It needs a confirmation.`}, this.io)
    }
    const result = await actOnPrAgents(ctx, this.action, runId)
    this.out(`${paint(this.style, 'green', '✓')} ${doneText(this.action, runId)}${result.message ? `\n${oneLine(result.message)}` : ''}`)
    return result
  }
}
