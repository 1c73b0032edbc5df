import {ApiCommand} from '../api-command.js'
import {runIdArg} from '../flags.js'
import {oneLine} from '../output/sanitize.js'
import {jsonFlags} from '../output/fields.js'
import {OPEN_FIELDS} from '../output/json-fields.js'

export default class Open extends ApiCommand {
  static override summary = "Open an agent run's web page (prints the URL where no browser can be opened)."
  static override flags = {...jsonFlags(OPEN_FIELDS)}
  static override examples = ['<%= config.bin %> open 11745']
  static override args = {agentRunId: runIdArg({required: true})}

  async run(): Promise<{id: number; web_url: string; opened: boolean}> {
    const {args, flags} = await this.parse(Open)
    const run = await this.freshRun(await this.context(flags), args.agentRunId)
    const url = run.web_url ?? `https://codegen.com/agent/trace/${run.id}`
    const {openUrl} = await import('../cli/browser.js')
    const opened = !this.jsonEnabled() && (await openUrl(url, this.io))
    this.out(opened ? `Opened ${oneLine(url)}` : oneLine(url))
    return {id: run.id, web_url: url, opened}
  }
}
