import {PrAgentsCommand, prAgentsArgs, prAgentsFlags} from '../cli/pr-agents-command.js'

export default class RemoveFromPr extends PrAgentsCommand {
  static override summary = "Remove Codegen from a run's pull request: stop its agents and block future check-suite runs."
  static override description = `The same effect as \`stop\`, under the API's friendlier name: every agent on the pull request of AGENT_RUN_ID is stopped, and check-suite events on it are no longer processed until \`unban\`.
On a terminal it names the PR and asks first; elsewhere it needs --yes (without it: exit 2, nothing sent).`
  static override examples = ['<%= config.bin %> remove-from-pr 11745', '<%= config.bin %> remove-from-pr 11745 --yes']
  static override args = prAgentsArgs
  static override flags = prAgentsFlags
  protected readonly action = 'remove-from-pr'
  protected readonly needsConfirmation = true
}
