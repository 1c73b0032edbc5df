import {ApiCommand} from '../api-command.js'
import type {AgentRun} from '../api/schemas.js'
import {runIdArg, waitFlags, DEFAULT_WAIT_TIMEOUT} from '../flags.js'
import {getRun} from '../services/runs.js'
import {parseDuration} from '../services/duration.js'
import {runDetail} from '../output/views.js'

export default class Get extends ApiCommand {
  static override summary = 'Show one agent run: status, result, summary, PRs and web URL.'
  static override examples = ['<%= config.bin %> get 11745', '<%= config.bin %> get 11745 --wait --timeout 20m', '<%= config.bin %> get 11745 --json']
  static override args = {agentRunId: runIdArg({required: true})}
  static override flags = {...waitFlags}

  async run(): Promise<AgentRun> {
    const {args, flags} = await this.parse(Get)
    const timeoutMs = flags.wait ? parseDuration(flags.timeout ?? DEFAULT_WAIT_TIMEOUT) : 0
    const ctx = await this.context(flags)
    if (!flags.wait) {
      const run = await getRun(ctx, args.agentRunId)
      this.out(runDetail(run, this.style))
      return run
    }
    const {waitWithSpinner} = await import('../cli/wait.js')
    const {run, timedOut, exitCode} = await waitWithSpinner(ctx, args.agentRunId, timeoutMs)
    this.out(runDetail(run, this.style))
    if (timedOut) this.note(`Timed out after ${flags.timeout ?? DEFAULT_WAIT_TIMEOUT}: agent run ${run.id} is still ${run.status}.`)
    process.exitCode = exitCode
    return run
  }
}
