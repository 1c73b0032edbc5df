import {CodegenError} from '../api/errors.js'
import type {AgentRun} from '../api/schemas.js'
import type {ServiceContext} from './context.js'
import {isTerminal, normaliseStatus, recordFromRun, type RepoNames, type RunRecord} from '../domain/run.js'
import {getRun} from './runs.js'
import {envMs} from './duration.js'
import type {StateStore} from './state.js'

// The run monitor: ONE scheduler for every watched agent run. It polls within the API's limits
// through the process-wide rate limiter, leaving headroom for tool calls; when many runs are due it
// reads the list endpoint (100 runs a request, newest first) instead of one request a run. What it
// sees goes to the state store; status changes go to listeners (the MCP server turns them into
// resource notifications and log lines).

export interface RunUpdate {
  record: RunRecord
  previousStatus: string | null
  statusChanged: boolean
  terminal: boolean
  /** The run was not known before (a new resource). */
  added: boolean
  /**
   * Watched on behalf of a caller that may write (started or resumed here, or left active by one):
   * only such updates may lead to a parent report. Runs watched for a read (a subscription, a wait,
   * codegenapi_watch) never do (F-4).
   */
  reporting: boolean
}

export type MonitorLog = (level: 'debug' | 'info' | 'warning' | 'error', message: string) => void

export interface MonitorOptions {
  /** A context with the current configuration; asked again on every round, so a token set later is used. */
  context: () => Promise<ServiceContext>
  store: StateStore
  log?: MonitorLog
  /** First poll interval of a run; it grows while nothing changes, up to maxIntervalMs. */
  intervalMs?: number
  maxIntervalMs?: number
  /** Standard-bucket requests always left for tool calls. */
  headroom?: number
  /** From this many due runs on, one list request replaces one request a run. */
  batchThreshold?: number
  /** List pages read at most in one round. */
  maxListPages?: number
  /** Whether runs resumed from the state file at start() are watched for a writer (see RunUpdate.reporting). */
  reporting?: boolean
  /** Repository names by repo_id (the repository cache), to record which repository a run is on. */
  repoNames?: () => RepoNames | undefined
}

interface Schedule {
  due: number
  interval: number
  /** Polls during which a final status is not believed yet (a resumed run may still show its old one). */
  grace?: number
  reporting: boolean
}

const RESUME_GRACE_POLLS = 3

const LIST_PAGE = 100

/** The poll interval the environment asks for (tests make it short), else 5 s. */
export function monitorIntervalFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  return envMs(env, 'CODEGENAPI_MONITOR_INTERVAL_MS') ?? envMs(env, 'CODEGENAPI_POLL_MS')
}

export class RunMonitor {
  private readonly sched = new Map<number, Schedule>()
  private readonly waiters = new Map<number, number>()
  private readonly updateListeners = new Set<(u: RunUpdate) => void>()
  private readonly pollListeners = new Set<(r: RunRecord) => void>()
  private readonly stopListeners = new Set<() => void>()
  private readonly errorListeners = new Set<(error: unknown, ids: number[]) => void>()
  /** Runs the API said do not exist (since they were last asked to be watched). */
  private readonly missing = new Set<number>()
  /** Each watched run as the API last returned it: what `watch --json` prints (F-44). */
  private readonly lastRuns = new Map<number, AgentRun>()
  private timer?: NodeJS.Timeout
  private timerAt = Infinity
  private busy = false
  private stopped = false
  private lastProblem?: string
  private readonly intervalMs: number
  private readonly maxIntervalMs: number
  private readonly headroom: number
  private readonly batchThreshold: number
  private readonly maxListPages: number
  private readonly log: MonitorLog

  constructor(private readonly opts: MonitorOptions) {
    this.intervalMs = opts.intervalMs ?? 5000
    this.maxIntervalMs = Math.max(this.intervalMs, opts.maxIntervalMs ?? 30_000)
    this.headroom = opts.headroom ?? 20
    this.batchThreshold = opts.batchThreshold ?? 4
    this.maxListPages = opts.maxListPages ?? 3
    this.log = opts.log ?? (() => undefined)
  }

  get store(): StateStore {
    return this.opts.store
  }

  /** Called on every change a watched run shows (status, result, PRs...). Returns an unsubscribe function. */
  onUpdate(listener: (u: RunUpdate) => void): () => void {
    this.updateListeners.add(listener)
    return () => this.updateListeners.delete(listener)
  }

  /** Called every time a watched run was looked at, changed or not. */
  onPoll(listener: (r: RunRecord) => void): () => void {
    this.pollListeners.add(listener)
    return () => this.pollListeners.delete(listener)
  }

  /** Resumes watching the runs the state file says were still active. */
  start(): RunRecord[] {
    const active = this.store.active()
    const now = Date.now()
    for (const r of active) this.sched.set(r.id, {due: now, interval: this.intervalMs, reporting: Boolean(this.opts.reporting)})
    if (active.length > 0) {
      this.log(
        'info',
        `Watching ${active.length} agent run${active.length === 1 ? '' : 's'} still active from before: ${active.map((r) => r.id).join(', ')}.`,
      )
    }
    this.kick()
    return active
  }

  /**
   * Watches a run until it is terminal. Given the run as the API returned it, that state is recorded at
   * once. Given an id, the API is asked on the next round: what the state file says is not believed,
   * even a final status (the run may have been resumed elsewhere, F-34), and nothing is announced
   * before the API has answered (F-43). Returns the record as known now.
   */
  watch(
    runOrId: AgentRun | number,
    opts: {resumed?: boolean; reporting?: boolean; known?: Pick<RunRecord, 'repo' | 'parent_run_id'>} = {},
  ): RunRecord {
    const now = new Date()
    const id = typeof runOrId === 'number' ? runOrId : runOrId.id
    const previous = this.store.get(id)
    const current = this.sched.get(id)
    const reporting = Boolean(opts.reporting) || Boolean(current?.reporting)
    this.missing.delete(id)
    if (typeof runOrId === 'number') {
      if (!this.stopped) {
        this.sched.set(id, {due: Date.now(), interval: this.intervalMs, grace: current?.grace ?? 0, reporting})
        this.kick()
      }
      return previous ?? {id, status: null, prs: [], watched_since: now.toISOString(), watched: true}
    }
    this.lastRuns.set(id, runOrId)
    let record = recordFromRun(runOrId, previous, now, this.opts.repoNames?.())
    // What the starter knew beyond the API's answer (the repository it resolved, the explicit parent).
    if (opts.known) record = {...record, repo: opts.known.repo ?? record.repo, parent_run_id: opts.known.parent_run_id ?? null}
    // Just resumed, a run may still show its old final status for a moment: keep looking a few times.
    const unchanged = normaliseStatus(previous?.status) === normaliseStatus(record.status)
    const grace = !isTerminal(record.status) ? 0 : opts.resumed ? RESUME_GRACE_POLLS : unchanged ? (current?.grace ?? 0) : 0
    const terminal = isTerminal(record.status) && grace === 0
    // A run watched again (resumed) is watched from now on.
    record = {...record, watched: !terminal, note: undefined, ...(previous?.watched || terminal ? {} : {watched_since: now.toISOString()})}
    record = this.store.put(record)
    const statusChanged = !previous || normaliseStatus(previous.status) !== normaliseStatus(record.status)
    if (statusChanged)
      this.emit({record, previousStatus: previous?.status ?? null, statusChanged: true, terminal, added: !previous, reporting})
    if (!terminal && !this.stopped) {
      this.sched.set(id, {due: Date.now() + this.intervalMs, interval: this.intervalMs, grace, reporting})
      this.kick()
    } else {
      this.sched.delete(id)
    }
    return record
  }

  /** Stops watching a run (it stays in the state file, marked as not watched). */
  unwatch(id: number, note = 'no longer watched'): RunRecord | undefined {
    this.sched.delete(id)
    return this.store.update(id, {watched: false, note})
  }

  /** The run as the API last returned it to this monitor. */
  lastRun(id: number): AgentRun | undefined {
    return this.lastRuns.get(id)
  }

  isWatched(id: number): boolean {
    return this.sched.has(id)
  }

  watchedIds(): number[] {
    return [...this.sched.keys()]
  }

  /**
   * Waits until the run is terminal, time runs out or the signal aborts, whichever comes first, and
   * resolves with the run as last seen. The run is watched (polled at the base interval meanwhile).
   */
  waitFor(
    runOrId: AgentRun | number,
    opts: {
      timeoutMs: number
      signal?: AbortSignal
      onPoll?: (r: RunRecord) => void
      reporting?: boolean
      /** Ends the wait with this error when a poll of the run fails and it returns true (a CLI --wait). */
      giveUpOn?: (error: unknown) => boolean
    },
  ): Promise<{record: RunRecord; finished: boolean; missing: boolean; error?: Error}> {
    const record = this.watch(runOrId, {reporting: opts.reporting})
    const id = record.id
    if (!this.sched.has(id) || this.stopped) {
      return Promise.resolve({record, finished: isTerminal(record.status) && !this.sched.has(id), missing: false})
    }
    this.waiters.set(id, (this.waiters.get(id) ?? 0) + 1)
    const s = this.sched.get(id)
    if (s) {
      s.interval = this.intervalMs
      s.due = Math.min(s.due, Date.now() + this.intervalMs)
      this.kick()
    }
    return new Promise((resolve) => {
      let failure: Error | undefined
      const finish = (finished: boolean) => {
        clearTimeout(timer)
        offPoll()
        this.errorListeners.delete(onError)
        this.stopListeners.delete(onStop)
        opts.signal?.removeEventListener('abort', onAbort)
        const left = (this.waiters.get(id) ?? 1) - 1
        if (left > 0) this.waiters.set(id, left)
        else this.waiters.delete(id)
        const missing = this.missing.has(id)
        resolve({record: this.store.get(id) ?? record, finished: finished && !missing, missing, error: failure})
      }
      const onError = (error: unknown, ids: number[]) => {
        if (!ids.includes(id) || !opts.giveUpOn?.(error)) return
        // What the client throws is always an Error (a CodegenError, mostly).
        failure = error instanceof Error ? error : new Error(String(error))
        finish(false)
      }
      if (opts.giveUpOn) this.errorListeners.add(onError)
      const offPoll = this.onPoll((r) => {
        if (r.id !== id) return
        opts.onPoll?.(r)
        if (!r.watched) finish(isTerminal(r.status))
      })
      // Node fires a timer over 2^31-1 ms at once: a longer wait is capped (about 24 days).
      const timer = setTimeout(() => finish(false), Math.min(2_147_483_647, Math.max(0, opts.timeoutMs)))
      const onAbort = () => finish(false)
      const onStop = () => finish(false)
      this.stopListeners.add(onStop)
      if (opts.signal?.aborted) return finish(false)
      opts.signal?.addEventListener('abort', onAbort, {once: true})
    })
  }

  /** Clears the timer, ends pending waits and writes the state file. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    for (const fn of [...this.stopListeners]) fn()
    await this.store.close()
  }

  // --- scheduling ----------------------------------------------------------------------------

  private kick(): void {
    if (this.stopped || this.busy || this.sched.size === 0) return
    const next = Math.min(...[...this.sched.values()].map((s) => s.due))
    this.arm(next)
  }

  private arm(at: number): void {
    if (this.timer && this.timerAt <= at) return
    if (this.timer) clearTimeout(this.timer)
    this.timerAt = at
    this.timer = setTimeout(
      () => {
        this.timer = undefined
        this.timerAt = Infinity
        void this.round()
      },
      Math.max(0, at - Date.now()),
    )
    // The monitor never keeps the process alive on its own.
    this.timer.unref()
  }

  /** One polling round: everything due, within the budget the rate limiter leaves. */
  private async round(): Promise<void> {
    if (this.stopped || this.busy) return
    this.busy = true
    let retryIn: number | undefined
    try {
      retryIn = await this.poll()
    } catch (error) {
      // Never let the scheduler die: report and try again later.
      this.problem(`Run monitor: ${(error as Error).message}`)
      retryIn = this.maxIntervalMs
    } finally {
      this.busy = false
    }
    if (this.stopped) return
    if (retryIn !== undefined) this.arm(Date.now() + retryIn)
    else this.kick()
  }

  /** Returns a delay when the round could not poll (no budget, no token), else undefined. */
  private async poll(): Promise<number | undefined> {
    const now = Date.now()
    const byDue = [...this.sched].sort((a, b) => a[1].due - b[1].due)
    const due = byDue.filter(([, s]) => s.due <= now).map(([id]) => id)
    if (due.length === 0) return undefined
    // One list request answers for every watched run: count the runs due within the next interval too,
    // so that schedules a late timer pulled apart (a busy machine) come back together in one list
    // request instead of drifting into one request per run.
    const batch = byDue.filter(([, s]) => s.due <= now + this.intervalMs).length >= this.batchThreshold

    let ctx: ServiceContext
    let orgId: number
    try {
      ctx = await this.opts.context()
      ctx.client()
      orgId = ctx.orgId()
    } catch (error) {
      const e = error as CodegenError
      this.problem(`Run monitor paused: ${e.message}${e.hint ? ` ${e.hint}` : ''}`)
      this.postpone(due, this.maxIntervalMs)
      this.tellError(error, due)
      return undefined
    }
    const client = ctx.client()
    const budget = client.limiter.remaining('standard') - this.headroom
    if (budget <= 0) {
      this.log('debug', `Run monitor: leaving the remaining API requests to tool calls; ${due.length} run(s) wait.`)
      return 1000
    }

    let spent = 0
    const seen = new Set<number>()
    if (batch) {
      const wanted = new Set(this.sched.keys())
      const oldest = Math.min(...[...wanted].map((id) => Date.parse(this.store.get(id)?.created_at ?? '') || 0))
      for (let page = 0; page < this.maxListPages && spent < budget && wanted.size > 0; page++) {
        let items: AgentRun[]
        try {
          spent++
          items = (await client.runs(orgId, {skip: page * LIST_PAGE, limit: LIST_PAGE})).items
        } catch (error) {
          this.failed(error, due)
          return undefined
        }
        for (const run of items) {
          if (!wanted.has(run.id)) continue
          wanted.delete(run.id)
          seen.add(run.id)
          this.apply(run, true)
        }
        const last = items.at(-1)
        if (items.length < LIST_PAGE || !last) break
        // Newest first: once a page reaches runs older than every watched one, the rest are not there.
        if (oldest && last.created_at && Date.parse(last.created_at) < oldest) break
      }
    }
    // Runs the list did not show (or few runs due): one request each, as far as the budget goes.
    for (const id of due) {
      if (seen.has(id) || !this.sched.has(id)) continue
      if (spent >= budget) break
      spent++
      try {
        this.apply(await getRun(ctx, id))
      } catch (error) {
        if (error instanceof CodegenError && error.kind === 'not_found') {
          this.sched.delete(id)
          this.missing.add(id)
          const note = `not found in organization ${orgId}`
          const now = new Date().toISOString()
          // A run never recorded is not recorded now: the state file keeps runs that exist.
          const record = this.store.update(id, {watched: false, note, last_seen: now}) ?? {
            id,
            status: null,
            prs: [],
            watched_since: now,
            watched: false,
            note,
          }
          this.log('warning', `Agent run ${id} was not found in organization ${orgId}; it is no longer watched.`)
          for (const fn of this.pollListeners) fn(record)
          continue
        }
        this.failed(error, due)
        return undefined
      }
    }
    if (this.lastProblem) {
      this.log('info', 'Run monitor: the Codegen API answers again.')
      this.lastProblem = undefined
    }
    return undefined
  }

  /** Records what the API said about a run and tells listeners. */
  private apply(run: AgentRun, batched = false): void {
    const s = this.sched.get(run.id)
    if (!s) return
    this.lastRuns.set(run.id, run)
    const previous = this.store.get(run.id)
    const now = new Date()
    const record = recordFromRun(run, previous, now, this.opts.repoNames?.())
    const statusChanged = !previous || normaliseStatus(previous.status) !== normaliseStatus(record.status)
    const changed =
      statusChanged ||
      previous?.result !== record.result ||
      previous?.summary !== record.summary ||
      previous?.web_url !== record.web_url ||
      JSON.stringify(previous?.prs ?? []) !== JSON.stringify(record.prs)
    const holding = isTerminal(record.status) && !statusChanged && (s.grace ?? 0) > 0
    if (holding) s.grace! -= 1
    else s.grace = 0
    const terminal = isTerminal(record.status) && !holding
    record.watched = !terminal
    if (terminal) {
      this.sched.delete(run.id)
    } else {
      // Nothing new: look less often (but a run someone waits for keeps the base interval).
      // Seen through the list endpoint, a run costs nothing of its own: keep the base cadence, so a
      // completion among hundreds of runs is noticed within one interval.
      s.interval =
        changed || batched || this.waiters.has(run.id) ? this.intervalMs : Math.min(this.maxIntervalMs, Math.round(s.interval * 1.5))
      s.due = Date.now() + s.interval
    }
    const stored = this.store.put(record)
    for (const fn of this.pollListeners) fn(stored)
    if (changed)
      this.emit({
        record: stored,
        previousStatus: previous?.status ?? null,
        statusChanged,
        terminal,
        added: !previous,
        reporting: s.reporting,
      })
  }

  private emit(update: RunUpdate): void {
    for (const fn of this.updateListeners) {
      try {
        fn(update)
      } catch (error) {
        this.log('error', `Run monitor listener failed: ${(error as Error).message}`)
      }
    }
  }

  /** A failed request: every due run stays watched and is tried again later, the interval backed off. */
  private tellError(error: unknown, ids: number[]): void {
    for (const fn of [...this.errorListeners]) fn(error, ids)
  }

  private failed(error: unknown, due: number[]): void {
    this.tellError(error, due)
    const e = error as CodegenError
    this.problem(`Run monitor: ${e.message}${e.hint ? ` ${e.hint}` : ''} Watched runs are checked again later.`)
    for (const id of due) {
      const s = this.sched.get(id)
      if (!s || s.due > Date.now()) continue
      s.interval = Math.min(this.maxIntervalMs, s.interval * 2)
      s.due = Date.now() + s.interval
    }
  }

  private postpone(ids: number[], ms: number): void {
    for (const id of ids) {
      const s = this.sched.get(id)
      if (s) s.due = Date.now() + ms
    }
  }

  /** Logs a problem once, not on every round while it lasts. */
  private problem(message: string): void {
    if (message === this.lastProblem) return
    this.lastProblem = message
    this.log('warning', message)
  }
}
