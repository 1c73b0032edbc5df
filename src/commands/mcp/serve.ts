import * as Flags from '@oclif/core/flags'
import {ApiCommand} from '../../api-command.js'
import {usageError} from '../../api/errors.js'
import {loadMcpHttp, loadMcpServer, loadStdioGuard} from '../../mcp-loader.js'

export default class McpServe extends ApiCommand {
  static override hidden = true
  static override summary = 'Run the MCP server on stdio (started by an AI assistant, not by hand).'
  static override description = `Speaks the Model Context Protocol on stdin/stdout: the assistant starts it, as configured by \`codegenapi mcp install\` or the README. Logs go to stderr.`
  static override examples = [
    '<%= config.bin %> mcp serve',
    '<%= config.bin %> mcp serve --read-only',
    '<%= config.bin %> mcp serve --toolsets all',
    '<%= config.bin %> mcp serve --toolsets runs,repos,admin',
    '<%= config.bin %> mcp serve --tools new,get_agent_run,wait_for_agent_run',
    '<%= config.bin %> mcp serve --http --port 8080',
    'CODEGENAPI_MCP_TOKEN=... <%= config.bin %> mcp serve --http --host 0.0.0.0',
  ]
  // No positional arguments: oclif would read stdin for a missing one and swallow the protocol.
  static override args = {}
  static override strict = true
  // stdout carries JSON-RPC only.
  static override enableJsonFlag = false
  static override flags = {
    'read-only': Flags.boolean({
      description: 'Offer only the tools that read (get, list, wait): no new runs, no resume, no config changes',
    }),
    toolsets: Flags.string({
      description:
        'Offer these toolsets (comma-separated, or all): context, runs, repos, logs (the default), users, watch, admin, pull_requests, repo_setup, integrations',
    }),
    tools: Flags.string({
      description: 'Offer these tools (comma-separated names, with or without the codegenapi_ prefix); alone, only these',
    }),
    http: Flags.boolean({description: 'Serve over Streamable HTTP (at /mcp) instead of stdio'}),
    host: Flags.string({
      description: 'With --http: address to bind (default 127.0.0.1; any other needs --auth-token)',
      dependsOn: ['http'],
    }),
    port: Flags.integer({description: 'With --http: port (default 8080; 0 picks a free one)', min: 0, max: 65535, dependsOn: ['http']}),
    'max-sessions': Flags.integer({
      description: 'With --http: sessions open at once; past it, new clients get HTTP 503 (default 100)',
      min: 1,
      max: 10_000,
      dependsOn: ['http'],
    }),
    'session-timeout': Flags.integer({
      description: 'With --http: close a session idle this many seconds (default 1800)',
      min: 1,
      max: 7 * 24 * 3600,
      dependsOn: ['http'],
    }),
    'auth-token': Flags.string({
      description: 'With --http: bearer token every request must carry (better: CODEGENAPI_MCP_TOKEN)',
      env: 'CODEGENAPI_MCP_TOKEN',
    }),
  }

  override async init(): Promise<void> {
    // Before anything else can print: console.log & co. and stray stdout writes go to stderr. (Only in a
    // process of its own: a test's in-process run has streams of its own, and the process is mocha's.)
    if (this.io.real) {
      const {installStdioGuard} = await loadStdioGuard()
      installStdioGuard()
    }
    await super.init()
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(McpServe)
    const common = {
      readOnly: flags['read-only'],
      tools: flags.tools,
      toolsets: flags.toolsets,
      overrides: {orgId: flags['org-id'], baseUrl: flags['base-url']},
      debug: Boolean(this.debugLogger(flags.debug)),
      version: this.config.version,
      io: this.io,
    }
    let server
    if (flags.http) {
      const {isLoopback, MIN_NETWORK_TOKEN_LENGTH} = await loadMcpHttp()
      const host = flags.host ?? '127.0.0.1'
      const token = flags['auth-token']
      if (!isLoopback(host) && !token) {
        throw usageError(
          `Binding ${host} exposes the server to other machines: it needs a bearer token.`,
          'Set CODEGENAPI_MCP_TOKEN (or --auth-token), or bind 127.0.0.1.',
        )
      }
      if (!isLoopback(host) && token!.length < MIN_NETWORK_TOKEN_LENGTH) {
        throw usageError(
          `The bearer token for ${host} is ${token!.length} characters long: a server open to other machines needs at least ${MIN_NETWORK_TOKEN_LENGTH}.`,
          'Make one with: openssl rand -hex 32',
        )
      }
      const {startHttpServer} = await loadMcpServer()
      const started = await startHttpServer({
        ...common,
        host,
        port: flags.port ?? 8080,
        authToken: token,
        maxSessions: flags['max-sessions'],
        idleMs: flags['session-timeout'] === undefined ? undefined : flags['session-timeout'] * 1000,
      })
      this.io.stderr.write(`codegenapi MCP server listening on ${started.url}\n`)
      server = started
    } else {
      const {startServer} = await loadMcpServer()
      server = await startServer(common)
    }
    if (!this.io.real) {
      // A test's in-process run (src/io.ts): signals, exit and the process are mocha's. The run ends
      // with its server: on stdio, when the client closes stdin.
      await server.done
      return
    }
    const stop = (reason: string) => {
      // Shutdown writes the state and closes; should anything hang, leave anyway (hosts and service
      // managers expect a prompt exit).
      setTimeout(() => process.exit(0), 1500).unref()
      void server.shutdown(reason)
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
    process.stdout.on('error', () => stop('stdout closed'))
    // A bug in one handler must not take the server down for the others.
    process.on('unhandledRejection', (reason) =>
      process.stderr.write(`[codegenapi mcp] error: unhandled rejection: ${(reason as Error)?.message ?? String(reason)}\n`),
    )
    await server.done
    // Keep-alive sockets would hold the process: the state is written, leave now.
    process.exit(0)
  }
}
