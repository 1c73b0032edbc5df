import {ApiCommand} from '../api-command.js'
import {CodegenError} from '../api/errors.js'
import type {AgentRun} from '../api/schemas.js'
import {runIdArg, waitFlags, DEFAULT_WAIT_TIMEOUT} from '../flags.js'
import {getRun} from '../services/runs.js'
import {parseDuration} from '../services/duration.js'
import {runDetail} from '../output/views.js'

export default class Get extends ApiCommand {
  static override summary = 'Show one agent run: status, result, summary, PRs and web URL.'
  static override examples = [
    '<%= config.bin %> get 11745',
    '<%= config.bin %> get 11745 --wait --timeout 20m',
    '<%= config.bin %> get 11745 --json',
  ]
  static override args = {agentRunId: runIdArg({required: true})}
  static override flags = {...waitFlags}

  async run(): Promise<AgentRun> {
    const {args, flags} = await this.parse(Get)
    // A bad --timeout is refused before anything is sent.
    if (flags.wait) parseDuration(flags.timeout ?? DEFAULT_WAIT_TIMEOUT)
    const ctx = await this.context(flags)
    if (!flags.wait) {
      const run = await getRun(ctx, args.agentRunId).catch((error) => this.fromLocalState(args.agentRunId, error))
      this.out(runDetail(run, this.style))
      return run
    }
    return this.waitAndShow(ctx, args.agentRunId, flags.timeout)
  }

  /** The API is out of reach: a run the monitor recorded (watch, mcp serve) is still worth showing. */
  private async fromLocalState(id: number, error: unknown): Promise<AgentRun> {
    if (!(error instanceof CodegenError) || (error.kind !== 'network' && error.kind !== 'rate_limit')) throw error
    const {readRunState, runFromRecord} = await import('../services/state.js')
    const record = (await readRunState().catch(() => [])).find((r) => r.id === id)
    if (!record) throw error
    this.warn(`${error.message} Showing agent run ${id} as last seen ${record.last_seen ?? ''} in the local run state.`)
    return runFromRecord(record)
  }
}
