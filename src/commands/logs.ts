import * as Flags from '@oclif/core/flags'
import {ApiCommand} from '../api-command.js'
import type {AgentRun, AgentRunLog, AgentRunWithLogs} from '../api/schemas.js'
import {limitFlag, runIdArg, skipFlag, wideFlag} from '../flags.js'
import {followLogs, iterateLogs} from '../services/runs.js'
import {logLine} from '../output/views.js'
import {oneLine} from '../output/sanitize.js'
import {jsonFlags} from '../output/fields.js'
import {LOG_FIELDS} from '../output/json-fields.js'

export default class Logs extends ApiCommand {
  static override summary = "Show an agent run's logs: time, message type, tool and thought."
  static override description =
    'With --follow, prints new entries until the run finishes, then exits like `watch`: 0 COMPLETE, 6 another final status.'
  static override examples = [
    '<%= config.bin %> logs 11745',
    '<%= config.bin %> logs 11745 --follow',
    '<%= config.bin %> logs 11745 --reverse --limit 10',
    '<%= config.bin %> logs 11745 --limit 1000 --json',
  ]
  static override args = {agentRunId: runIdArg({required: true})}
  static override flags = {
    ...jsonFlags(LOG_FIELDS),
    wide: wideFlag,
    limit: limitFlag(100, 'Maximum number of log entries'),
    skip: skipFlag('Entries to skip'),
    reverse: Flags.boolean({description: 'Newest first', exclusive: ['follow']}),
    follow: Flags.boolean({char: 'F', description: 'Keep printing new entries until the run finishes'}),
  }

  async run(): Promise<AgentRunLog[]> {
    const {args, flags} = await this.parse(Logs)
    this.wide(flags.wide)
    const ctx = await this.context(flags)
    const json = this.jsonEnabled()
    const collected: AgentRunLog[] = []
    const emit = (entry: AgentRunLog) => (json ? collected.push(entry) : this.log(logLine(entry, this.style)))
    let last: AgentRunWithLogs | undefined
    if (flags.follow) {
      // Under --follow, --limit does not stop the stream: it follows until the run is terminal.
      last = await followLogs(ctx, args.agentRunId, {skip: flags.skip, onEntries: (entries) => entries.forEach(emit)})
      if (!json) this.note(`Agent run ${args.agentRunId} is ${oneLine(last.status ?? 'unknown')}.`)
      const {finalExitCode} = await import('../services/watch.js')
      // As `watch` and `--wait`: 0 COMPLETE, 6 another final status (F-42).
      this.io.exitCode = finalExitCode(last.status)
    } else {
      let n = 0
      const pages = iterateLogs(ctx, args.agentRunId, {
        skip: flags.skip,
        limit: flags.limit,
        reverse: flags.reverse,
        onPage: (page) => (last = page),
      })
      for await (const entry of pages) {
        emit(entry)
        n++
      }
      if (!json && n === 0) this.note('No log entries.')
    }
    // The status seen updates the run's record, if the local state has one (F-32).
    if (last) {
      const run: AgentRun = {...last, logs: undefined}
      const {recordSeen} = await import('../services/observe.js')
      await recordSeen(ctx.env, [run], {log: (_level, message) => this.warn(message)})
    }
    return collected
  }
}
