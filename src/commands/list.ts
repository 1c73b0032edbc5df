import * as Flags from '@oclif/core/flags'
import {ApiCommand} from '../api-command.js'
import type {AgentRun} from '../api/schemas.js'
import {limitFlag, positiveInt, wideFlag} from '../flags.js'
import {iterateRuns} from '../services/runs.js'
import {runColumns} from '../output/views.js'
import {TableStream} from '../output/table-stream.js'

export default class List extends ApiCommand {
  static override summary = 'List agent runs, newest first.'
  static override description = `The API filters by user and source type; --status and --repo are filtered while paging, until --limit runs match or the runs run out.
Statuses (case-insensitive, comma-separated): active/running, pending, complete/completed/done, failed, error, stopped, cancelled, finished.`
  static override examples = [
    '<%= config.bin %> list',
    '<%= config.bin %> list --status running --limit 20',
    '<%= config.bin %> list --status failed,error --repo acme/api --mine',
    '<%= config.bin %> list --source-type GITHUB --json',
  ]
  static override flags = {
    wide: wideFlag,
    status: Flags.string({char: 's', description: 'Only runs with this status (e.g. running, complete, failed)'}),
    repo: Flags.string({char: 'r', description: 'Only runs on this repository (OWNER/NAME)'}),
    limit: limitFlag(20, 'Maximum number of runs'),
    mine: Flags.boolean({description: 'Only runs started by you', exclusive: ['user-id']}),
    'user-id': Flags.custom<number>({description: 'Only runs started by this user', parse: positiveInt('--user-id')})(),
    'source-type': Flags.string({description: 'Only runs from this source (API, GITHUB, SLACK, LINEAR, ...)'}),
  }

  async run(): Promise<AgentRun[]> {
    const {flags} = await this.parse(List)
    this.wide(flags.wide)
    const ctx = await this.context(flags)
    const runs = iterateRuns(ctx, {
      status: flags.status,
      repo: flags.repo,
      limit: flags.limit,
      mine: flags.mine,
      userId: flags['user-id'],
      sourceType: flags['source-type'],
    })
    const collected: AgentRun[] = []
    let count = 0
    // Human output is printed page by page; --json needs the whole array.
    const table = this.jsonEnabled() ? undefined : new TableStream(runColumns(this.style), this.style, (t) => this.log(t))
    for await (const run of runs) {
      if (table) table.push(run)
      else collected.push(run)
      if (++count >= flags.limit) break
    }
    if (table) {
      table.end()
      if (table.count === 0) this.log('No agent runs match.')
    }
    return collected
  }
}
