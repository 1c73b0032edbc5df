import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../base-command.js'
import {markerLines} from '../sandbox/markers.js'
import {SANDBOX_ORG_ID, SANDBOX_TOKEN, sandboxDir, sandboxEnv, sandboxStateFile} from '../sandbox/mode.js'

export default class Sandbox extends BaseCommand {
  static override summary =
    'Serve a local Codegen API with realistic data (no account, no token); `codegenapi --sandbox COMMAND` runs any command against one.'
  static override description = `A fake Codegen API on 127.0.0.1 (users, organizations, repositories, agent runs with logs and pull requests, integrations, check-suite settings), the one the tests of codegenapi run against. It serves until Ctrl-C and prints the environment to point codegenapi (or your own scripts, as stripe-mock does for Stripe) at it. Its token is a dummy one; no real token is ever needed or sent.

Without a server: \`codegenapi --sandbox COMMAND\` (or CODEGEN_API_BASE_URL=sandbox) runs any command against an in-process sandbox, with its own config and runs.json, apart from yours.

Runs start ACTIVE, log a step a second and finish COMPLETE with a pull request after about 6 seconds (CODEGENAPI_SANDBOX_RUN_MS sets it), unless the prompt holds a marker:
${markerLines().join('\n')}

The sandbox keeps its runs and changes between invocations (and between the server and --sandbox runs) in <state dir>/sandbox/api.json (CODEGENAPI_SANDBOX_DIR moves it); \`codegenapi sandbox --reset\` forgets them.`
  static override examples = [
    '<%= config.bin %> sandbox',
    '<%= config.bin %> sandbox --port 12111 --rate-limits',
    '<%= config.bin %> sandbox --reset',
    '<%= config.bin %> --sandbox new "Add a health check endpoint" --wait',
    '<%= config.bin %> --sandbox new "Fix the flaky test [fail]" --wait',
    'CODEGEN_API_BASE_URL=sandbox <%= config.bin %> list',
  ]
  // It serves until stopped: no JSON document to print at the end.
  static override enableJsonFlag = false
  static override flags = {
    port: Flags.integer({description: 'Port on 127.0.0.1 (default: a free one)', min: 0, max: 65535, default: 0}),
    'rate-limits': Flags.boolean({description: "Answer 429 past the API's published rate limits, as the API does"}),
    reset: Flags.boolean({description: "Forget the sandbox's runs and changes (back to the seed data), then exit"}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Sandbox)
    const file = sandboxStateFile(this.io.env)
    if (flags.reset) {
      const {resetStore} = await import('../sandbox/store.js')
      const removed = await resetStore(file)
      this.log(removed ? `Sandbox reset: its runs and changes are forgotten (${file}).` : 'Sandbox reset: it had nothing saved.')
      return
    }
    const {sandboxOptions} = await import('../sandbox/local.js')
    const {startSandboxApi} = await import('../sandbox/server.js')
    const {fileStore} = await import('../sandbox/store.js')
    const api = await startSandboxApi({
      ...sandboxOptions(this.io.env),
      port: flags.port,
      rateLimits: flags['rate-limits'],
      store: fileStore(file),
    })
    const stateDir = sandboxEnv(this.io.env).CODEGENAPI_STATE_DIR!
    this.log(
      [
        `Codegen API sandbox listening on ${api.url}`,
        '',
        'Point codegenapi (or your own scripts) at it from another shell:',
        `  export CODEGEN_API_BASE_URL=${api.url}`,
        `  export CODEGEN_API_TOKEN=${SANDBOX_TOKEN}`,
        `  export CODEGEN_ORG_ID=${SANDBOX_ORG_ID}`,
        `  export CODEGENAPI_STATE_DIR=${stateDir}   # keeps the sandbox's runs out of your own runs.json`,
        '  codegenapi new "Add a health check endpoint" --wait',
        '',
        `The token is a dummy one: the sandbox accepts nothing else. State: ${file} (reset: codegenapi sandbox --reset).`,
        `Data dir: ${sandboxDir(this.io.env)}. Ctrl-C stops it.`,
      ].join('\n'),
    )
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await api.close()
    this.note('Sandbox stopped.')
  }
}
