import {Flags} from '@oclif/core'
import {ApiCommand} from '../../api-command.js'
import {installStdioGuard} from '../../mcp/stdio-guard.js'

export default class McpServe extends ApiCommand {
  static override hidden = true
  static override summary = 'Run the MCP server on stdio (started by an AI assistant, not by hand).'
  static override description = `Speaks the Model Context Protocol on stdin/stdout: the assistant starts it, as configured by \`codegenapi mcp install\` or the README. Logs go to stderr.`
  static override examples = [
    '<%= config.bin %> mcp serve',
    '<%= config.bin %> mcp serve --read-only',
    '<%= config.bin %> mcp serve --tools new,get_agent_run,wait_for_agent_run',
  ]
  // No positional arguments: oclif would read stdin for a missing one and swallow the protocol.
  static override args = {}
  static override strict = true
  // stdout carries JSON-RPC only.
  static override enableJsonFlag = false
  static override flags = {
    'read-only': Flags.boolean({description: 'Offer only the tools that read (get, list, wait): no new runs, no resume, no config changes'}),
    tools: Flags.string({description: 'Offer only these tools (comma-separated names, with or without the codegenapi_ prefix)'}),
  }

  override async init(): Promise<void> {
    // Before anything else can print: console.log & co. and stray stdout writes go to stderr.
    installStdioGuard()
    await super.init()
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(McpServe)
    const {startServer} = await import('../../mcp/server.js')
    const server = await startServer({
      readOnly: flags['read-only'],
      tools: flags.tools,
      overrides: {orgId: flags['org-id'], baseUrl: flags['base-url']},
      debug: Boolean(this.debugLogger(flags.debug)),
      version: this.config.version,
    })
    const stop = (reason: string) => {
      // Shutdown writes the state and closes; should anything hang, leave anyway.
      setTimeout(() => process.exit(0), 5000).unref()
      void server.shutdown(reason)
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
    process.stdout.on('error', () => stop('stdout closed'))
    // A bug in one handler must not take the server down for the others.
    process.on('unhandledRejection', (reason) => process.stderr.write(`[codegenapi mcp] error: unhandled rejection: ${(reason as Error)?.message ?? String(reason)}\n`))
    await server.done
    // Keep-alive sockets would hold the process: the state is written, leave now.
    process.exit(0)
  }
}
