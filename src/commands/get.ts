import {ApiCommand} from '../api-command.js'
import type {AgentRun} from '../api/schemas.js'
import {runIdArg, waitFlags, DEFAULT_WAIT_TIMEOUT} from '../flags.js'
import {parseDuration} from '../services/duration.js'
import {exitCodeFor} from '../cli/exit-codes.js'
import {oneLine} from '../output/sanitize.js'
import {runDetail} from '../output/views.js'
import {jsonFlags} from '../output/fields.js'
import {RUN_FIELDS} from '../output/json-fields.js'

export default class Get extends ApiCommand {
  static override summary = 'Show one agent run: status, result, summary, PRs and web URL.'
  static override description = `When the API cannot be reached or rate-limits, a run recorded in the local run state is shown from there: marked stale (on stderr, and "stale": true with "last_seen" in --json), with exit code 1 (unreachable) or 5 (rate limited), never 0.`
  static override examples = [
    '<%= config.bin %> get 11745',
    '<%= config.bin %> get 11745 --wait --timeout 20m',
    '<%= config.bin %> get 11745 --json',
  ]
  static override args = {agentRunId: runIdArg({required: true})}
  static override flags = {
    // A run answered from the local state also has `stale` and `last_seen`.
    ...jsonFlags([...RUN_FIELDS, 'stale', 'last_seen']),
    ...waitFlags,
  }

  async run(): Promise<AgentRun & {stale?: boolean; last_seen?: string | null}> {
    const {args, flags} = await this.parse(Get)
    // A bad --timeout is refused before anything is sent.
    if (flags.wait) parseDuration(flags.timeout ?? DEFAULT_WAIT_TIMEOUT)
    const ctx = await this.context(flags)
    const lc = await this.lifecycle(ctx, {write: false})
    if (flags.wait) return this.waitAndShow(lc, args.agentRunId, flags.timeout)
    let seen
    try {
      seen = await lc.get(args.agentRunId)
    } finally {
      await lc.close()
    }
    if (!seen.stale) {
      this.out(runDetail(seen.run, this.style))
      return seen.run
    }
    // From the local state: said on stderr, marked in --json, and never exit 0 (F-35).
    const {error, lastSeen} = seen.stale
    const message = oneLine(error.message).replace(/[.\s]*$/, '.')
    this.warn(
      `${message} Showing agent run ${args.agentRunId} from the local run state${lastSeen ? `, as last seen ${lastSeen}` : ''}; it may have changed since.`,
    )
    this.io.exitCode = exitCodeFor(error)
    this.out(runDetail(seen.run, this.style))
    return {...seen.run, stale: true, last_seen: lastSeen ?? null}
  }
}
