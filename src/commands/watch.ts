import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {ApiCommand} from '../api-command.js'
import type {AgentRun} from '../api/schemas.js'
import {DEFAULT_WAIT_TIMEOUT, DURATION_HELP} from '../flags.js'
import {parseDuration} from '../services/duration.js'
import {parsePositiveInt} from '../services/validate.js'
import {usageError} from '../api/errors.js'
import {isGroupId, parseGroupId} from '../domain/run.js'
import type {ServiceContext} from '../services/context.js'
import type {RunRecord} from '../services/state.js'
import {link, paint, statusColor} from '../output/format.js'
import {oneLine, sanitize} from '../output/sanitize.js'
import {boardLines, LiveBoard} from '../output/board.js'
import {setLiveRegion} from '../output/live.js'
import {WAIT_EXIT_CODES} from '../cli/help-text.js'
import {jsonFlags} from '../output/fields.js'
import {RUN_FIELDS} from '../output/json-fields.js'

export default class Watch extends ApiCommand {
  static override summary = 'Follow agent runs live until they finish; the exit code is the worst outcome.'
  static override description = `Watches exactly the runs given; with no ids, the runs still active in the local run state (those started with \`new\` or by the MCP server). Each run's status is asked of the API, whatever the local state says. On a terminal, a live board; elsewhere one line per change, for CI logs. --group ID follows the attempts of a \`new --attempts\` group (found by the group id in their metadata).
When a watched run that has a parent finishes, the parent is resumed with a report once it is COMPLETE (once per child, whichever process sends it).
Exit codes: ${WAIT_EXIT_CODES}.`
  static override examples = [
    '<%= config.bin %> watch 11745',
    '<%= config.bin %> watch 11745 11746 --timeout 1h',
    '<%= config.bin %> watch   # everything still running',
    '<%= config.bin %> watch --group g-1a2b3c4d',
  ]
  static override strict = false
  static override args = {ids: Args.string({description: 'Agent run ids', required: false})}
  static override flags = {
    ...jsonFlags(RUN_FIELDS),
    timeout: Flags.string({description: `Give up after this long (${DURATION_HELP})`}),
    group: Flags.string({description: 'Follow the attempts of this group (`new --attempts`), instead of ids'}),
    notify: Flags.boolean({description: 'A desktop notification as each run finishes (notify-send, osascript or PowerShell)'}),
  }

  async run(): Promise<AgentRun[]> {
    const {argv, flags} = await this.parse(Watch)
    // A group id where a run id goes: say how to watch a group rather than "not an integer".
    const group = (argv as string[]).find((a) => isGroupId(a))
    if (group !== undefined) throw usageError(`${group} is a group id: watch a group with --group ${group}.`)
    let ids = (argv as string[]).map((a) => parsePositiveInt(a, 'AGENT_RUN_ID'))
    const timeoutMs = parseDuration(flags.timeout ?? DEFAULT_WAIT_TIMEOUT)
    if (flags.group !== undefined && ids.length > 0) throw usageError('Give run ids or --group, not both.')
    const groupId = flags.group !== undefined ? parseGroupId(flags.group) : undefined
    const ctx = await this.context(flags)
    if (groupId !== undefined) ids = await this.groupIds(ctx, groupId)
    const lc = await this.lifecycle(ctx, {write: true})
    const {runFromRecord} = await import('../domain/run.js')
    const {worstExitCode} = await import('../services/watch.js')
    const board = new Map<number, RunRecord>()
    // --notify: loaded only when asked for; silent where the desktop has no notifier.
    const notifier = flags.notify
      ? await import('../services/notify.js').then((m) => new m.FinishNotifier(m.desktopNotifier({env: this.io.env})))
      : undefined
    const live = this.io.stdout.isTTY && !this.jsonEnabled() && !this.io.env.CI
    // Redraws by screen rows (long lines wrap), and notes go above it, not between draws (output/board.ts).
    const liveBoard = live ? new LiveBoard(this.io.stdout, this.io.stderr) : undefined
    if (liveBoard) {
      this.note = (text) => liveBoard.note(sanitize(text))
      // Debug lines and retry notices (written above the live region) keep the board whole too.
      setLiveRegion(liveBoard)
    }
    const draw = () => liveBoard?.draw(boardLines([...board.values()], this.style))
    // The status each run was last shown with here: a line says what changed, never invents a change (F-43).
    const shown = new Map<number, string>()
    const prsSeen = new Map<number, number>()
    let outcome
    try {
      outcome = await lc.watch(ids, {
        timeoutMs,
        onUpdate: (u) => {
          notifier?.update(u)
          board.set(u.record.id, u.record)
          if (this.jsonEnabled()) return
          if (live) return draw()
          const time = new Date().toISOString().slice(11, 19)
          const status = oneLine(u.record.status ?? 'unknown')
          if (u.statusChanged && shown.get(u.record.id) !== status) {
            const before = shown.get(u.record.id) ?? (u.previousStatus ? oneLine(u.previousStatus) : undefined)
            const change = before && before !== status ? `${before} -> ${status}` : status
            const summary = u.terminal && u.record.summary ? `  ${oneLine(u.record.summary).slice(0, 120)}` : ''
            this.log(`${time}  run ${u.record.id}  ${change}${summary}`)
            shown.set(u.record.id, status)
          }
          const prs = u.record.prs.filter((p) => p.url)
          for (const pr of prs.slice(prsSeen.get(u.record.id) ?? 0))
            this.log(`${time}  run ${u.record.id}  PR ${[oneLine(pr.title), oneLine(pr.url)].filter(Boolean).join(' ')}`)
          prsSeen.set(u.record.id, prs.length)
        },
      })
    } finally {
      setLiveRegion(undefined)
      await lc.close()
      await notifier?.settled()
    }
    if (outcome.runs.length === 0 && !this.jsonEnabled()) this.note('No agent runs to watch: give ids, or start one with `codegenapi new`.')
    if (!this.jsonEnabled()) {
      if (live && board.size > 0) draw()
      else for (const r of outcome.runs) this.log(r.missing ? `run ${r.id}  not found` : this.describe(r.record))
    }
    const missing = outcome.runs.filter((r) => r.missing).map((r) => r.id)
    if (missing.length > 0) this.note(`Not found: agent run${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`)
    if (outcome.timedOut) this.note(`Timed out after ${flags.timeout ?? DEFAULT_WAIT_TIMEOUT}.`)
    this.io.exitCode = worstExitCode(outcome)
    // --json: the API's objects, as `get --json` prints them (F-44).
    return outcome.runs.filter((r) => !r.missing).map((r) => r.run ?? runFromRecord(r.record))
  }

  /** The run ids of a group, by attempt number; a group with no run found is "not found" (exit 4). */
  private async groupIds(ctx: ServiceContext, groupId: string): Promise<number[]> {
    const {findGroup} = await import('../services/groups.js')
    const found = await findGroup(ctx, groupId)
    if (found.runs.length === 0) {
      const {CodegenError} = await import('../api/errors.js')
      throw new CodegenError('not_found', `No agent runs of group ${groupId} among the newest runs.`)
    }
    this.note(`Group ${groupId}: ${found.runs.map((r) => `attempt ${r.attempt} is run ${r.run.id}`).join(', ')}.`)
    return found.runs.map((r) => r.run.id)
  }

  private describe(r: RunRecord): string {
    const s = this.style
    const pr = r.prs.find((p) => p.url)
    return [
      `run ${r.id}`,
      r.attempt !== undefined && r.group_id ? `attempt ${r.attempt}` : '',
      paint(s, statusColor(r.status), oneLine(r.status ?? 'unknown')),
      r.repo ? oneLine(r.repo) : '',
      pr?.url ? link(s, oneLine(pr.url)) : r.web_url ? link(s, oneLine(r.web_url)) : '',
      r.parent_run_id ? `parent ${r.parent_run_id}${r.parent_report ? ` (report ${r.parent_report})` : ''}` : '',
    ]
      .filter(Boolean)
      .join('  ')
  }
}
