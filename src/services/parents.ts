import fs from 'node:fs/promises'
import path from 'node:path'
import {CodegenError} from '../api/errors.js'
import {isComplete, isTerminal, type RunRecord} from '../domain/run.js'
import type {ServiceContext} from './context.js'
import {claim, pidAlive, release} from './lock.js'
import type {RunMonitor, RunUpdate} from './monitor.js'
import {getRun, resumeRun} from './runs.js'

// Orchestration: a run started with an explicit parent (`new --parent`, the tool's parent_run_id, or
// CODEGEN_PARENT_RUN_ID) reports back. When a child is seen finished, the parent is resumed with a
// short report, but only once the parent is COMPLETE (the report waits until then), and exactly once
// per child across every process that shares the state directory (F-3): before sending, a process
// claims the child with a file created with O_EXCL in `<state dir>/reports/`; only the process that
// made the file sends. The claim stays as the record that the report went (or may have gone) out.
//
// Only a lifecycle that may write has a reporter (F-4): `mcp serve --read-only` has none.

export type ReporterLog = (level: 'info' | 'warning' | 'error', message: string) => void

export function childReport(child: RunRecord): string {
  const lines = [`Report from child agent run ${child.id}: ${child.status ?? 'finished'}.`]
  if (child.repo) lines.push(`Repository: ${child.repo}`)
  if (child.summary) lines.push(`Summary: ${child.summary.slice(0, 2000)}`)
  for (const pr of child.prs) if (pr.url) lines.push(`Pull request: ${pr.title ? `${pr.title} ` : ''}${pr.url}`)
  if (child.web_url) lines.push(`Details: ${child.web_url}`)
  return lines.join('\n')
}

export class ParentReporter {
  private again = false
  private current?: Promise<void>
  private off?: () => void

  constructor(
    private readonly monitor: RunMonitor,
    private readonly context: () => Promise<ServiceContext>,
    private readonly claimsDir: string,
    private readonly log: ReporterLog = () => undefined,
  ) {}

  /** Listens to the monitor, and delivers what an earlier process left pending. */
  start(): this {
    if (this.off) return this
    this.off = this.monitor.onUpdate((u) => this.onUpdate(u))
    void this.deliver()
    return this
  }

  stop(): void {
    this.off?.()
    this.off = undefined
  }

  private claimFile(childId: number): string {
    return path.join(this.claimsDir, `${childId}.json`)
  }

  /** The claim says how it ended, for the other processes that share the state directory. */
  private async settle(childId: number, outcome: 'sent' | 'undeliverable', note: string): Promise<void> {
    const file = this.claimFile(childId)
    await fs
      .writeFile(file, JSON.stringify({child: childId, pid: process.pid, outcome, note, at: new Date().toISOString()}) + '\n', {
        mode: 0o600,
      })
      .catch((error) => this.log('warning', `Could not record the report of run ${childId} in ${file}: ${(error as Error).message}`))
  }

  private onUpdate(u: RunUpdate): void {
    // Runs watched only to be read never lead to a resume (F-4).
    if (!u.reporting || !u.terminal) return
    const r = u.record
    if (u.statusChanged && r.parent_run_id && r.parent_report === 'pending') {
      this.log('info', `Agent run ${r.id} finished ${r.status}; its report to parent run ${r.parent_run_id} is queued.`)
    }
    // A child just finished, or a parent may just have become COMPLETE.
    void this.deliver()
  }

  /** Tries every pending report; serialized, so one parent is never resumed twice at once. */
  deliver(): Promise<void> {
    if (this.current) {
      this.again = true
      return this.current
    }
    const run = async () => {
      do {
        this.again = false
        const pending = this.monitor.store.list().filter((r) => r.parent_report === 'pending' && r.parent_run_id)
        const byParent = new Map<number, RunRecord[]>()
        for (const child of pending) byParent.set(child.parent_run_id!, [...(byParent.get(child.parent_run_id!) ?? []), child])
        for (const [parentId, children] of byParent) {
          const open = await this.unclaimed(children)
          if (open.length > 0) await this.deliverTo(parentId, open)
        }
      } while (this.again)
    }
    // `finally` runs as a microtask, after `current` is set, even when there was nothing to do.
    this.current = run()
      .catch((error) => this.log('error', `Parent reports: ${(error as Error).message}`))
      .finally(() => {
        this.current = undefined
      })
    return this.current
  }

  /** Children nobody has claimed yet; one claimed by a process that ended before recording the outcome is marked. */
  private async unclaimed(children: RunRecord[]): Promise<RunRecord[]> {
    const open: RunRecord[] = []
    for (const child of children) {
      const held = await fs.readFile(this.claimFile(child.id), 'utf8').catch(() => undefined)
      if (held === undefined) {
        open.push(child)
        continue
      }
      let content: {pid?: unknown; outcome?: unknown; note?: unknown} = {}
      try {
        content = JSON.parse(held) as typeof content
      } catch {
        // Half-written by its maker this instant: leave it to that process.
      }
      if (content.outcome === 'sent' || content.outcome === 'undeliverable') {
        // Another process sent it (or gave up): take its word.
        if (child.parent_report !== content.outcome)
          this.monitor.store.update(child.id, {
            parent_report: content.outcome,
            parent_report_note: typeof content.note === 'string' ? content.note : undefined,
          })
      } else if (content.pid !== undefined && !pidAlive(Number(content.pid))) {
        // Claimed, maybe sent, outcome never recorded: never sent again (at most once).
        this.monitor.store.update(child.id, {
          parent_report: 'undeliverable',
          parent_report_note: `the process that was sending it ended first; it may have reached parent run ${child.parent_run_id}`,
        })
      }
    }
    return open
  }

  private async deliverTo(parentId: number, children: RunRecord[]): Promise<void> {
    const store = this.monitor.store
    let ctx: ServiceContext
    try {
      ctx = await this.context()
      const parent = await getRun(ctx, parentId)
      if (!isComplete(parent.status)) {
        if (isTerminal(parent.status)) {
          for (const c of children)
            store.update(c.id, {parent_report: 'undeliverable', parent_report_note: `parent run ${parentId} ended ${parent.status}`})
          this.log(
            'warning',
            `Parent run ${parentId} ended ${parent.status}: the report of run(s) ${children.map((c) => c.id).join(', ')} cannot be delivered.`,
          )
          return
        }
        // Not COMPLETE yet: watch the parent; its completion brings us back here.
        if (!this.monitor.isWatched(parentId)) this.monitor.watch(parent, {reporting: true})
        return
      }
    } catch (error) {
      this.log('warning', `Cannot check parent run ${parentId} yet: ${(error as Error).message}`)
      return
    }
    // Claim each child; another process may have been quicker for some (or all) of them.
    const mine: RunRecord[] = []
    for (const c of children) if (await claim(this.claimFile(c.id), {child: c.id, parent: parentId})) mine.push(c)
    if (mine.length === 0) return
    for (const c of mine) store.update(c.id, {parent_report: 'sending'})
    await store.flush().catch((error) => this.log('warning', (error as Error).message))
    // One resume carries every report this process claimed for this parent.
    const prompt = mine.map((c) => childReport(store.get(c.id) ?? c)).join('\n\n')
    const ids = mine.map((c) => c.id).join(', ')
    try {
      const resumed = await resumeRun(ctx, {runId: parentId, query: prompt})
      const note = `resumed parent run ${parentId}`
      for (const c of mine) {
        store.update(c.id, {parent_report: 'sent', parent_report_note: note})
        await this.settle(c.id, 'sent', note)
      }
      this.log('info', `Resumed parent run ${parentId} with the report of run(s) ${ids}.`)
      this.monitor.watch(resumed, {resumed: true, reporting: true})
    } catch (error) {
      // A refused resume (the parent moved on meanwhile) is safe to try again; an unknown outcome is not.
      const retry = error instanceof CodegenError && (error.kind === 'conflict' || error.kind === 'rate_limit' || error.kind === 'auth')
      const note = `resume of parent run ${parentId} failed: ${(error as Error).message}`
      for (const c of mine) {
        if (retry) {
          await release(this.claimFile(c.id)).catch(() => undefined)
          store.update(c.id, {parent_report: 'pending'})
        } else {
          store.update(c.id, {parent_report: 'undeliverable', parent_report_note: note})
          await this.settle(c.id, 'undeliverable', note)
        }
      }
      this.log(retry ? 'warning' : 'error', `Could not resume parent run ${parentId}: ${(error as Error).message}`)
    }
    await store.flush().catch((error) => this.log('warning', (error as Error).message))
  }
}
