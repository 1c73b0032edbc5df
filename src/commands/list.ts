import * as Flags from '@oclif/core/flags'
import {ApiCommand} from '../api-command.js'
import type {AgentRun} from '../api/schemas.js'
import {limitFlag, positiveInt, wideFlag} from '../flags.js'
import {runColumns} from '../output/views.js'
import {TableStream} from '../output/table-stream.js'
import {MAX_FILTER_PAGES, openRunListing} from '../services/run-list.js'
import {peekRunState} from '../services/state-peek.js'
import {SOURCE_TYPE_NAMES, STATUS_NAMES} from '../cli/help-text.js'
import {jsonFlags} from '../output/fields.js'
import {GROUP_RUN_FIELDS} from '../output/json-fields.js'
import {repoDefault, repoIfInOrg} from '../cli/repo-default.js'

export default class List extends ApiCommand {
  static override summary = 'List agent runs, newest first.'
  static override description = `The API filters by user and source type; --status and --repo are filtered while paging, until --limit runs match, the runs run out, or ${MAX_FILTER_PAGES * 100} runs in a row matched nothing (then it says so). --repo finds runs started with --repo or --repo-id, or with a pull request on it; an unknown repository is refused with the closest names.
--group ID shows the attempts of one \`new --attempts\` group side by side (attempt, run, status, PR, summary); its --json adds group_id and attempt to each run.
Statuses (case-insensitive, comma-separated): ${STATUS_NAMES}.`
  static override examples = [
    '<%= config.bin %> list',
    '<%= config.bin %> list --status running --limit 20',
    '<%= config.bin %> list --status failed,error --repo acme/api --mine',
    '<%= config.bin %> list --user ada-dev --source-type GITHUB --json',
    '<%= config.bin %> list --group g-1a2b3c4d',
  ]
  static override flags = {
    ...jsonFlags(GROUP_RUN_FIELDS),
    wide: wideFlag,
    status: Flags.string({char: 's', description: 'Only runs with this status (e.g. running, complete, failed)'}),
    repo: Flags.string({char: 'r', description: 'Only runs on this repository (OWNER/NAME, or NAME)'}),
    limit: limitFlag(20, 'Maximum number of runs'),
    mine: Flags.boolean({description: 'Only runs started by you', exclusive: ['user-id', 'user']}),
    'user-id': Flags.custom<number>({
      description: 'Only runs started by this user id',
      parse: positiveInt('--user-id'),
      exclusive: ['user'],
    })(),
    user: Flags.string({description: 'Only runs started by this user (GitHub login)'}),
    'source-type': Flags.string({description: `Only runs from this source: ${SOURCE_TYPE_NAMES}`}),
    group: Flags.string({
      description: 'The attempts of this group (`new --attempts`), side by side',
      exclusive: ['status', 'repo', 'mine', 'user-id', 'user', 'source-type'],
    }),
  }

  async run(): Promise<AgentRun[]> {
    const {flags} = await this.parse(List)
    this.wide(flags.wide)
    if (flags.group !== undefined) return this.group(flags.group, flags)
    let repo = await repoDefault(flags, (t) => this.note(t), this.io)
    const ctx = await this.context(flags)
    if (repo !== flags.repo) repo = await repoIfInOrg(ctx, repo, (t) => this.note(t))
    const listing = await openRunListing(ctx, {
      status: flags.status,
      repo,
      limit: flags.limit,
      mine: flags.mine,
      userId: flags['user-id'],
      user: flags.user,
      sourceType: flags['source-type'],
    })
    // Runs recorded here add what the API's listing lacks (the repository of a run started by id, its title).
    const records = peekRunState(ctx.env)
    const seen: AgentRun[] = []
    let count = 0
    // Human output is printed page by page; --json needs the whole array.
    const table = this.jsonEnabled()
      ? undefined
      : new TableStream(runColumns(this.style, {repos: listing.repos, records}), this.style, (t) => this.log(t))
    for await (const run of listing.runs) {
      table?.push(run)
      seen.push(run)
      if (++count >= flags.limit) break
    }
    table?.end()
    const scanned = listing.scanned()
    if (table && count === 0) this.log('No agent runs match.')
    if (scanned.capped) {
      this.note(
        `Searched the newest ${scanned.runs} agent runs and stopped after ${MAX_FILTER_PAGES * 100} in a row matched nothing: ${count} matched. Narrow with --user, --mine or --source-type to reach older runs.`,
      )
    } else if (count >= flags.limit && scanned.more && !this.jsonEnabled()) {
      this.note(`${count} shown; --limit ${Math.max(flags.limit * 5, 100)} for more.`)
    }
    // What was seen updates the runs the local state knows (F-32).
    const {recordSeen} = await import('../services/observe.js')
    await recordSeen(ctx.env, seen, {repos: listing.repos, log: (_level, message) => this.warn(message)})
    return seen
  }

  /** --group: the group's runs by attempt number, found by the group id in their metadata. */
  private async group(input: string, flags: {'org-id'?: string; 'base-url'?: string; debug?: boolean}): Promise<AgentRun[]> {
    const {parseGroupId} = await import('../domain/run.js')
    const id = parseGroupId(input)
    const ctx = await this.context(flags)
    const {findGroup, groupRunJson} = await import('../services/groups.js')
    const found = await findGroup(ctx, id)
    if (found.runs.length === 0) {
      const {CodegenError} = await import('../api/errors.js')
      throw new CodegenError('not_found', `No agent runs of group ${id} among the newest runs.`, {
        hint: found.capped ? `The search stopped after ${MAX_FILTER_PAGES * 100} runs in a row of other groups.` : undefined,
      })
    }
    const {groupTable} = await import('../output/views.js')
    this.out(groupTable(found.runs, this.style))
    const missing = found.attempts !== undefined ? found.attempts - found.runs.length : 0
    if (missing > 0)
      this.note(
        `Group ${id} was started with ${found.attempts} attempts; ${missing} not found (never created, or older than the runs searched).`,
      )
    const {recordSeen} = await import('../services/observe.js')
    await recordSeen(
      ctx.env,
      found.runs.map((r) => r.run),
      {log: (_level, message) => this.warn(message)},
    )
    return found.runs.map((r) => groupRunJson(id, r) as AgentRun)
  }
}
