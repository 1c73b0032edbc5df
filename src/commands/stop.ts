import {PrAgentsCommand, prAgentsArgs, prAgentsFlags} from '../cli/pr-agents-command.js'

export default class Stop extends PrAgentsCommand {
  static override summary = "Stop every agent on a run's pull request and block future check-suite runs on it."
  static override description = `The API's ban: it acts on the pull request of AGENT_RUN_ID, not on that run alone. Every agent working on the PR is stopped, and check-suite events on it are no longer processed until \`unban\`.
On a terminal it names the PR and asks first; elsewhere it needs --yes (without it: exit 2, nothing sent).`
  static override examples = ['<%= config.bin %> stop 11745', '<%= config.bin %> stop 11745 --yes --json']
  static override args = prAgentsArgs
  static override flags = prAgentsFlags
  protected readonly action = 'ban'
  protected readonly needsConfirmation = true
}
