import * as Flags from '@oclif/core/flags'
import {fileURLToPath} from 'node:url'
import {BaseCommand} from '../../base-command.js'
import {packageFile} from '../../version.js'
import {installMcpServer, MCP_CLIENTS, type InstallResult} from '../../services/mcp-install.js'

export default class McpInstall extends BaseCommand {
  static override summary = "Add codegenapi's MCP server to an AI assistant's config."
  static override description = `Merges the server entry into the client's config file, keeping a backup of the old file. The token is not written unless you ask (--with-token): by default the server reads it from your codegenapi config.`
  static override examples = [
    '<%= config.bin %> mcp install --client claude-desktop',
    '<%= config.bin %> mcp install --client cursor --dry-run',
    '<%= config.bin %> mcp install --client vscode --file .vscode/mcp.json',
  ]
  static override flags = {
    client: Flags.string({char: 'c', description: 'Which assistant', options: [...MCP_CLIENTS], required: true}),
    'dry-run': Flags.boolean({description: 'Print the entry and the file, change nothing'}),
    'with-token': Flags.boolean({description: 'Also write the API token into the client config (it is stored in plain text there)'}),
    name: Flags.string({description: 'Server name in the client config', default: 'codegenapi'}),
    file: Flags.string({description: "Write to this file instead of the client's default (e.g. a project's .cursor/mcp.json)"}),
  }

  async run(): Promise<InstallResult> {
    const {flags} = await this.parse(McpInstall)
    const binPath = fileURLToPath(packageFile('bin/run.js'))
    const result = await installMcpServer({
      client: flags.client,
      dryRun: flags['dry-run'],
      withToken: flags['with-token'],
      name: flags.name,
      binPath,
      file: flags.file,
    })
    const entry = JSON.stringify({[result.name]: result.entry}, null, 2)
    if (result.written) {
      this.out(`Added "${result.name}" to ${result.file}${result.backup ? ` (backup: ${result.backup})` : ''}.\n${result.next}`)
    } else {
      this.out(`Would add to ${result.file}:\n${entry}`)
    }
    return result
  }
}
