import {PrAgentsCommand, prAgentsArgs, prAgentsFlags} from '../cli/pr-agents-command.js'

export default class Unban extends PrAgentsCommand {
  static override summary = "Lift the block that `stop` put on a run's pull request."
  static override description = `Check-suite events on the pull request of AGENT_RUN_ID are processed again. Agents that were stopped stay stopped. It asks nothing (--yes is accepted and changes nothing).`
  static override examples = ['<%= config.bin %> unban 11745']
  static override args = prAgentsArgs
  static override flags = prAgentsFlags
  protected readonly action = 'unban'
  protected readonly needsConfirmation = false
}
