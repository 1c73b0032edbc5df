import {CodegenError} from '../api/errors.js'
import type {ServiceContext} from './context.js'
import type {RunMonitor, RunUpdate} from './monitor.js'
import {getRun, resumeRun} from './runs.js'
import type {RunRecord} from './state.js'
import {isComplete, isTerminal} from './status.js'

// Orchestration: a run started with a parent (`new --parent`, or CODEGEN_PARENT_RUN_ID when an agent
// starts runs itself) reports back. When the monitor sees the child finish, the parent is resumed with
// a short report of the outcome, but only once the parent is COMPLETE (the report waits until then),
// and never twice for the same child: the state file records each report before it is sent.

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

  constructor(
    private readonly monitor: RunMonitor,
    private readonly context: () => Promise<ServiceContext>,
    private readonly log: ReporterLog = () => undefined,
  ) {}

  /** Listens to the monitor, and delivers what an earlier process left pending. */
  start(): this {
    this.monitor.onUpdate((u) => this.onUpdate(u))
    void this.deliver()
    return this
  }

  private onUpdate(u: RunUpdate): void {
    const r = u.record
    if (u.terminal && r.parent_run_id && !r.parent_report) {
      this.monitor.store.update(r.id, {parent_report: 'pending'})
      this.log('info', `Agent run ${r.id} finished ${r.status}; its report to parent run ${r.parent_run_id} is queued.`)
    }
    // A child just finished, or a parent may just have become COMPLETE.
    if (u.terminal) void this.deliver()
  }

  private current?: Promise<void>

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
        for (const [parentId, children] of byParent) await this.deliverTo(parentId, children)
      } while (this.again)
    }
    // `finally` runs as a microtask, after `current` is set, even when there was nothing to do.
    this.current = run().finally(() => {
      this.current = undefined
    })
    return this.current
  }

  private async deliverTo(parentId: number, children: RunRecord[]): Promise<void> {
    let ctx: ServiceContext
    try {
      ctx = await this.context()
      const parent = await getRun(ctx, parentId)
      if (!isComplete(parent.status)) {
        if (isTerminal(parent.status)) {
          for (const c of children)
            this.monitor.store.update(c.id, {
              parent_report: 'undeliverable',
              parent_report_note: `parent run ${parentId} ended ${parent.status}`,
            })
          this.log(
            'warning',
            `Parent run ${parentId} ended ${parent.status}: the report of run(s) ${children.map((c) => c.id).join(', ')} cannot be delivered.`,
          )
          return
        }
        // Not COMPLETE yet: watch the parent; its completion brings us back here.
        if (!this.monitor.isWatched(parentId)) this.monitor.watch(parent)
        return
      }
    } catch (error) {
      this.log('warning', `Cannot check parent run ${parentId} yet: ${(error as Error).message}`)
      return
    }
    // One resume carries every pending report for this parent.
    for (const c of children) this.monitor.store.update(c.id, {parent_report: 'sending'})
    await this.monitor.store.flush()
    const prompt = children.map((c) => childReport(this.monitor.store.get(c.id) ?? c)).join('\n\n')
    try {
      const resumed = await resumeRun(ctx, {runId: parentId, query: prompt})
      for (const c of children)
        this.monitor.store.update(c.id, {parent_report: 'sent', parent_report_note: `resumed parent run ${parentId}`})
      this.log('info', `Resumed parent run ${parentId} with the report of run(s) ${children.map((c) => c.id).join(', ')}.`)
      this.monitor.watch(resumed, {resumed: true})
    } catch (error) {
      // A refused resume (the parent moved on meanwhile) is safe to try again; an unknown outcome is not.
      const retry = error instanceof CodegenError && (error.kind === 'conflict' || error.kind === 'rate_limit' || error.kind === 'auth')
      for (const c of children) {
        this.monitor.store.update(
          c.id,
          retry
            ? {parent_report: 'pending'}
            : {parent_report: 'undeliverable', parent_report_note: `resume of parent run ${parentId} failed: ${(error as Error).message}`},
        )
      }
      this.log(retry ? 'warning' : 'error', `Could not resume parent run ${parentId}: ${(error as Error).message}`)
    }
    await this.monitor.store.flush()
  }
}
