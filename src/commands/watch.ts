import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {ApiCommand} from '../api-command.js'
import {DEFAULT_WAIT_TIMEOUT} from '../flags.js'
import {parseDuration} from '../services/duration.js'
import {parsePositiveInt} from '../services/validate.js'
import type {RunRecord} from '../services/state.js'
import {link, paint, statusColor} from '../output/format.js'
import {oneLine} from '../output/sanitize.js'

export default class Watch extends ApiCommand {
  static override summary = 'Follow agent runs live until they finish; the exit code is the worst outcome.'
  static override description = `With no ids, watches the runs still active in the local run state (those started with \`new\` or by the MCP server). On a terminal, a live board; elsewhere one line per change, for CI logs. When a watched run that has a parent finishes, the parent is resumed with a report once it is COMPLETE.
Exit codes: 0 all COMPLETE, 6 one ended otherwise, 124 timed out.`
  static override examples = [
    '<%= config.bin %> watch 11745',
    '<%= config.bin %> watch 11745 11746 --timeout 1h',
    '<%= config.bin %> watch   # everything still running',
  ]
  static override strict = false
  static override args = {ids: Args.string({description: 'Agent run ids', required: false})}
  static override flags = {
    timeout: Flags.string({description: 'Give up after this long (e.g. 90s, 30m, 2h; default 30m)'}),
  }

  async run(): Promise<RunRecord[]> {
    const {argv, flags} = await this.parse(Watch)
    const ids = (argv as string[]).map((a) => parsePositiveInt(a, 'AGENT_RUN_ID'))
    const timeoutMs = parseDuration(flags.timeout ?? DEFAULT_WAIT_TIMEOUT)
    await this.context(flags) // validates configuration up front, with its warnings
    const {openWatchSession, watchRuns, worstExitCode} = await import('../services/watch.js')
    const session = await openWatchSession({
      overrides: {orgId: flags['org-id'], baseUrl: flags['base-url']},
      debug: this.debugLogger(flags.debug),
      log: (level, message) => level !== 'debug' && this.note(message),
    })
    const board = new Map<number, RunRecord>()
    const live = process.stdout.isTTY && !this.jsonEnabled() && !process.env.CI
    let drawn = 0
    const draw = () => {
      if (drawn) process.stdout.write(`\u001b[${drawn}A\u001b[0J`)
      const lines = [...board.values()].map((r) => this.describe(r))
      process.stdout.write(lines.join('\n') + '\n')
      drawn = lines.length
    }
    // On a terminal the board shows what is known at once, then redraws in place on each change.
    for (const id of ids.length > 0 ? ids : session.store.active().map((r) => r.id)) {
      const known = session.store.get(id)
      if (known) board.set(id, known)
    }
    if (live && board.size > 0) draw()
    const prsSeen = new Map<number, number>()
    const outcome = await watchRuns(session, ids, {
      timeoutMs,
      onUpdate: (u) => {
        board.set(u.record.id, u.record)
        if (this.jsonEnabled()) return
        if (live) return draw()
        const time = new Date().toISOString().slice(11, 19)
        if (u.statusChanged)
          this.log(
            `${time}  run ${u.record.id}  ${u.previousStatus ?? 'new'} -> ${u.record.status ?? 'unknown'}${u.terminal && u.record.summary ? `  ${oneLine(u.record.summary).slice(0, 120)}` : ''}`,
          )
        const prs = u.record.prs.filter((p) => p.url)
        for (const pr of prs.slice(prsSeen.get(u.record.id) ?? 0))
          this.log(`${time}  run ${u.record.id}  PR ${[oneLine(pr.title), oneLine(pr.url)].filter(Boolean).join(' ')}`)
        prsSeen.set(u.record.id, prs.length)
      },
    })
    if (outcome.runs.length === 0 && !this.jsonEnabled()) this.note('No agent runs to watch: give ids, or start one with `codegenapi new`.')
    if (!this.jsonEnabled() && !live) {
      for (const r of outcome.runs) this.log(this.describe(r))
    }
    if (outcome.timedOut) this.note(`Timed out after ${flags.timeout ?? DEFAULT_WAIT_TIMEOUT}.`)
    process.exitCode = worstExitCode(outcome)
    return outcome.runs
  }

  private describe(r: RunRecord): string {
    const s = this.style
    const pr = r.prs.find((p) => p.url)
    return [
      `run ${r.id}`,
      paint(s, statusColor(r.status), r.status ?? 'unknown'),
      r.repo ? oneLine(r.repo) : '',
      pr?.url ? link(s, oneLine(pr.url)) : r.web_url ? link(s, oneLine(r.web_url)) : '',
      r.parent_run_id ? `parent ${r.parent_run_id}${r.parent_report ? ` (report ${r.parent_report})` : ''}` : '',
    ]
      .filter(Boolean)
      .join('  ')
  }
}
