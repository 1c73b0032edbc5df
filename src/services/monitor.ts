import {CodegenError} from '../api/errors.js'
import type {AgentRun} from '../api/schemas.js'
import type {ServiceContext} from './context.js'
import {isTerminal, normaliseStatus, recordFromRun, type RepoNames, type RunRecord} from '../domain/run.js'
import {getRun} from './runs.js'
import {envMs} from './duration.js'
import {LIST_PAGE, MAX_SEARCH_PAGES, nextRequest, type PollRequest, type Spot} from './poll-plan.js'
import type {StateStore} from './state.js'

// The run monitor: ONE scheduler for every watched agent run, whoever asked (MCP subscriptions,
// codegenapi_watch, the wait tools, the CLI's `watch` and `--wait`). Every watched run is looked at
// once an interval (4 s), however long it has been running. It sends one request at a time, paced
// by the process-wide rate limiter's background token bucket, which spreads its requests over the
// window and always leaves a reserve to tool calls; when more is due than the bucket allows, every
// run waits its turn (the most overdue first) instead of the budget going in one burst. Runs within
// 100 places of each other in the newest-first list are read with one list request (poll-plan.ts).
// What it sees goes to the state store; status changes go to listeners (the MCP server turns them
// into resource notifications and log lines).

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
  /** How often each watched run is looked at (stretched only when the API's limits do not allow it). */
  intervalMs?: number
  /** The longest pause after failed requests (they back off from intervalMs, doubling). */
  maxIntervalMs?: number
  /** Whether runs resumed from the state file at start() are watched for a writer (see RunUpdate.reporting). */
  reporting?: boolean
  /** Repository names by repo_id (the repository cache), to record which repository a run is on. */
  repoNames?: () => RepoNames | undefined
}

interface Schedule extends Spot {
  /** Polls during which a final status is not believed yet (a resumed run may still show its old one). */
  grace?: number
  reporting: boolean
  /** Its place in the list less the list's total then: new runs come first, so place = anchor + total now. */
  anchor?: number
  /** List reads in a row that did not show it where it was expected. */
  misses: number
}

const RESUME_GRACE_POLLS = 3
const SETTLE_MS = 100
const SETTLE_MAX_MS = 3000

/** How often a watched run is looked at: a finish is told within this (plus a request) when the API's limits allow. */
export const MONITOR_INTERVAL_MS = 4000

/** The poll interval the environment asks for (tests make it short), else MONITOR_INTERVAL_MS. */
export function monitorIntervalFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  return envMs(env, 'CODEGENAPI_MONITOR_INTERVAL_MS') ?? envMs(env, 'CODEGENAPI_POLL_MS')
}

/** How often a run's last_seen alone is written to the state file: see apply(). */
export const LAST_SEEN_WRITE_MS = 60_000

const ageMs = (iso: string | undefined, now: Date) => (iso === undefined ? Infinity : now.getTime() - Date.parse(iso))

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
  /** The list's total at the last list read: places shift by the runs created since. */
  private listTotal = 0
  /** Where the pages of placed runs start (poll-plan.ts), as a place less the list's total, like Schedule.anchor. */
  private pageOrigin?: number
  /** Failed requests in a row: the pause after them doubles. */
  private failures = 0
  /** While runs are being added by id in a burst (subscriptions), the first request waits for the burst to end. */
  private settle?: {first: number; until: number}
  private readonly intervalMs: number
  private readonly maxIntervalMs: number
  private readonly log: MonitorLog

  constructor(private readonly opts: MonitorOptions) {
    this.intervalMs = opts.intervalMs ?? MONITOR_INTERVAL_MS
    this.maxIntervalMs = Math.max(this.intervalMs, opts.maxIntervalMs ?? 30_000)
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
    for (const r of active) this.schedule(r.id, now, {reporting: Boolean(this.opts.reporting)})
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
        const at = Date.now()
        // 300 subscriptions arrive over half a second: wait until they stop coming (up to 3 s) so that
        // discovery reads each list page once, not once for every few runs that came meanwhile.
        const first = this.settle && this.settle.until > at ? this.settle.first : at
        this.settle = {first, until: Math.min(first + SETTLE_MAX_MS, at + SETTLE_MS)}
        this.schedule(id, at, {grace: current?.grace ?? 0, reporting})
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
      this.schedule(id, Date.now() + this.intervalMs, {grace, reporting})
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
   * resolves with the run as last seen. The run is watched meanwhile.
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

  /** Watches a run from `due` on, keeping what is known of its place in the list. */
  private schedule(id: number, due: number, opts: {grace?: number; reporting: boolean}): void {
    const s = this.sched.get(id)
    if (s) {
      s.due = Math.min(s.due, due)
      s.grace = opts.grace
      s.reporting = opts.reporting
    } else {
      this.sched.set(id, {id, due, grace: opts.grace, reporting: opts.reporting, misses: 0, alone: false, searchFrom: 0})
    }
  }

  private kick(): void {
    if (this.stopped || this.busy || this.sched.size === 0) return
    let next = Infinity
    for (const s of this.sched.values()) next = Math.min(next, s.due)
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
        void this.step()
      },
      Math.max(0, at - Date.now()),
    )
    // The monitor never keeps the process alive on its own.
    this.timer.unref()
  }

  /** One request, when one is due and the limiter's background budget allows it; then the next. */
  private async step(): Promise<void> {
    if (this.stopped || this.busy) return
    this.busy = true
    let retryAt: number | undefined
    try {
      retryAt = await this.poll()
    } catch (error) {
      // Never let the scheduler die: report and try again later.
      this.problem(`Run monitor: ${(error as Error).message}`)
      retryAt = Date.now() + this.maxIntervalMs
    } finally {
      this.busy = false
    }
    if (this.stopped) return
    if (retryAt !== undefined) this.arm(retryAt)
    else this.kick()
  }

  /** Sends the next request; returns when to look again if it could not (no budget yet), else undefined. */
  private async poll(): Promise<number | undefined> {
    const now = Date.now()
    for (const s of this.sched.values()) s.pos = s.anchor === undefined ? undefined : Math.max(0, s.anchor + this.listTotal)
    const request = nextRequest(this.sched.values(), now, this.pageOrigin === undefined ? undefined : this.pageOrigin + this.listTotal)
    if (!request) return undefined
    if (request.kind === 'list' && request.origin !== undefined) this.pageOrigin = request.origin - this.listTotal
    if (this.settle && this.settle.until > now) return this.settle.until

    let ctx: ServiceContext
    let orgId: number
    try {
      ctx = await this.opts.context()
      ctx.client()
      orgId = ctx.orgId()
    } catch (error) {
      const e = error as CodegenError
      const due = this.dueIds(now)
      this.problem(`Run monitor paused: ${e.message}${e.hint ? ` ${e.hint}` : ''}`)
      this.postpone(due, this.maxIntervalMs)
      this.tellError(error, due)
      return undefined
    }
    const limiter = ctx.client().limiter
    const wait = limiter.backgroundDelay('standard')
    if (wait > 0 || !limiter.takeBackground('standard')) return Date.now() + Math.max(wait, 10)

    try {
      if (request.kind === 'list') await this.readList(ctx, orgId, request)
      else await this.readRun(ctx, orgId, request.id)
    } catch (error) {
      this.failed(error, this.dueIds(now))
      return undefined
    }
    this.failures = 0
    if (this.lastProblem) {
      this.log('info', 'Run monitor: the Codegen API answers again.')
      this.lastProblem = undefined
    }
    return undefined
  }

  private dueIds(now: number): number[] {
    return [...this.sched.values()].filter((s) => s.due <= now).map((s) => s.id)
  }

  /** One list page: every watched run on it is seen (and placed); runs expected and not there moved. */
  private async readList(ctx: ServiceContext, orgId: number, request: Extract<PollRequest, {kind: 'list'}>): Promise<void> {
    const page = await ctx.client().runs(orgId, {skip: request.skip, limit: LIST_PAGE})
    const total = page.total ?? this.listTotal
    this.listTotal = total
    const seen = new Set<number>()
    page.items.forEach((run, i) => {
      const s = this.sched.get(run.id)
      if (!s) return
      seen.add(run.id)
      Object.assign(s, {anchor: request.skip + i - total, misses: 0, alone: false})
      this.apply(run)
    })
    for (const id of request.expect) {
      const s = this.sched.get(id)
      if (!s || seen.has(id)) continue
      // Not where it was: placed again by discovery, or asked for alone after two misses.
      s.anchor = undefined
      s.alone = ++s.misses >= 2
    }
    if (!request.discover) return
    const pageNo = request.skip / LIST_PAGE
    const end = page.items.length < LIST_PAGE || request.skip + page.items.length >= total
    const oldest = Date.parse(page.items.at(-1)?.created_at ?? '')
    const searched = [...this.sched.values()].filter((s) => s.anchor === undefined && !s.alone && s.searchFrom <= pageNo)
    for (const s of searched) {
      s.searchFrom = pageNo + 1
      // Past the end of the list, past the run's own creation, too deep, or more pages read than runs
      // sought (asking for each alone is cheaper then): the run is asked for alone.
      const created = Date.parse(this.store.get(s.id)?.created_at ?? '')
      const passed = created && oldest && oldest < created
      if (end || passed || s.searchFrom >= Math.min(MAX_SEARCH_PAGES, searched.length)) s.alone = true
    }
  }

  private async readRun(ctx: ServiceContext, orgId: number, id: number): Promise<void> {
    try {
      this.apply(await getRun(ctx, id))
    } catch (error) {
      if (!(error instanceof CodegenError && error.kind === 'not_found')) throw error
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
    }
  }

  /** Records what the API said about a run and tells listeners. */
  private apply(run: AgentRun): void {
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
    // The same cadence however long the run has gone on unchanged: a lone long run is told as promptly as a new one.
    if (terminal) this.sched.delete(run.id)
    else s.due = Date.now() + this.intervalMs
    // A poll that saw nothing new moves only last_seen: that is written at most once a minute, else
    // every poll of a page rewrote the whole state file (1,000 runs: twice a second).
    const quiet = !changed && previous?.watched === record.watched && ageMs(previous.last_seen, now) < LAST_SEEN_WRITE_MS
    const stored = quiet ? {...previous, last_seen: record.last_seen} : this.store.put(record)
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

  private tellError(error: unknown, ids: number[]): void {
    for (const fn of [...this.errorListeners]) fn(error, ids)
  }

  /** A failed request: every due run stays watched and is tried again after a pause that doubles while failures go on. */
  private failed(error: unknown, due: number[]): void {
    this.tellError(error, due)
    const e = error as CodegenError
    this.problem(`Run monitor: ${e.message}${e.hint ? ` ${e.hint}` : ''} Watched runs are checked again later.`)
    this.failures++
    this.postpone(due, Math.min(this.maxIntervalMs, this.intervalMs * 2 ** this.failures))
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
