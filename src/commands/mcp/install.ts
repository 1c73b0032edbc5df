import * as Flags from '@oclif/core/flags'
import {fileURLToPath} from 'node:url'
import {BaseCommand} from '../../base-command.js'
import {packageFile} from '../../version.js'
import {BAKEABLE, installMcpServer, MCP_CLIENTS, type InstallResult} from '../../services/mcp-install.js'
import {jsonFlags} from '../../output/fields.js'
import {INSTALL_FIELDS} from '../../output/json-fields.js'

export default class McpInstall extends BaseCommand {
  static override summary = "Add codegenapi's MCP server to an AI assistant's config."
  static override description = `Adds or replaces only the server's own entry in the client's config file, keeping a backup of the old file (a symlinked file is written where it points). Nothing from your shell or config is written into the entry unless you ask: the server reads the token, organization and base URL from your codegenapi config when it starts. --env CODEGEN_ORG_ID (or CODEGEN_API_BASE_URL) bakes the value in effect now into the entry; --with-token also writes the token.`
  static override examples = [
    '<%= config.bin %> mcp install --client claude-desktop',
    '<%= config.bin %> mcp install --client cursor --dry-run',
    '<%= config.bin %> mcp install --client vscode --file .vscode/mcp.json',
    '<%= config.bin %> mcp install --client claude-code --env CODEGEN_ORG_ID',
  ]
  static override flags = {
    ...jsonFlags(INSTALL_FIELDS),
    client: Flags.string({char: 'c', description: 'Which assistant', options: [...MCP_CLIENTS], required: true}),
    'dry-run': Flags.boolean({description: 'Print the entry and the file, change nothing'}),
    'with-token': Flags.boolean({description: 'Also write the API token into the client config (it is stored in plain text there)'}),
    env: Flags.string({
      description: 'Bake this value, as now in effect, into the entry (repeatable)',
      options: [...BAKEABLE],
      multiple: true,
    }),
    name: Flags.string({description: 'Server name in the client config', default: 'codegenapi'}),
    file: Flags.string({description: "Write to this file instead of the client's default (e.g. a project's .cursor/mcp.json)"}),
  }

  async run(): Promise<InstallResult> {
    const {flags} = await this.parse(McpInstall)
    const binPath = fileURLToPath(packageFile('bin/run.js'))
    const result = await installMcpServer(
      {
        client: flags.client,
        dryRun: flags['dry-run'],
        withToken: flags['with-token'],
        env: flags.env,
        name: flags.name,
        binPath,
        file: flags.file,
      },
      this.io.env,
      this.io.cwd,
    )
    const entry = JSON.stringify({[result.name]: result.entry}, null, 2)
    const baked = result.env.length
      ? `, with ${result.env.join(', ')} in its env`
      : ', with no env (the server reads your codegenapi config)'
    if (result.written) {
      this.out(`Added "${result.name}" to ${result.file}${baked}${result.backup ? ` (backup: ${result.backup})` : ''}.\n${result.next}`)
    } else {
      this.out(`Would add to ${result.file}:\n${entry}`)
    }
    return result
  }
}
