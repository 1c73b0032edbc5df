import path from 'node:path'
import {CodegenError} from '../api/errors.js'
import type {AgentRun} from '../api/schemas.js'
import {observedRecord, recordDiffers, runFromRecord, validId, type RepoNames, type RunRecord} from '../domain/run.js'
import type {ServiceContext} from './context.js'
import {monitorIntervalFromEnv, RunMonitor, type RunUpdate} from './monitor.js'
import {ParentReporter} from './parents.js'
import {cachedRepoNames} from './repos.js'
import {
  createPrepared,
  getRun,
  prepareRun,
  resumeRun,
  type CreatedRun,
  type NewRunRequest,
  type PreparedRun,
  type ResumeRequest,
  type StartOptions,
} from './runs.js'
import {StateStore} from './state.js'
import type {WatchedRun, WatchOutcome} from './watch.js'

// The run lifecycle: start, resume, get, wait, watch and parent reports, for the CLI and the MCP
// server alike (they keep only their I/O). It owns the state recording, the one waiting engine (the
// run monitor) and the fallback to local state when the API cannot answer.
//
// Capabilities: a lifecycle opened with `write: false` (mcp serve --read-only) sends no write request
// from any path: start and resume are refused, and it has no parent reporter (F-4). In a lifecycle
// that may write, runs followed only to be read (a subscription, a wait, codegenapi_watch) never lead
// to a parent report either: only runs started, resumed, or left active by a writer do.

export type LifecycleLog = (level: 'debug' | 'info' | 'warning' | 'error', message: string) => void

export interface LifecycleOptions {
  /** A context with the current configuration (asked again for each step: a token set later is used). */
  context: () => Promise<ServiceContext>
  env: NodeJS.ProcessEnv
  /** May this lifecycle send writes: create, resume, parent reports. */
  write: boolean
  log?: LifecycleLog
  /** How often the monitor looks at each run (default: from the environment, else the monitor's 4 s). */
  intervalMs?: number
}

/** A run from the API, or from the local state when the API could not be asked (then `stale`). */
export interface SeenRun {
  run: AgentRun
  record?: RunRecord
  /** Set when the answer comes from the local state: why, and when the run was last seen. */
  stale?: {error: CodegenError; lastSeen?: string}
}

export interface WaitResult {
  run: AgentRun
  record: RunRecord
  finished: boolean
  timedOut: boolean
  missing: boolean
}

/** Kinds of failure after which the local state may stand in for the API (never "not found"). */
const FALLBACK_KINDS = new Set(['network', 'rate_limit'])

export class RunLifecycle {
  readonly store: StateStore
  readonly monitor: RunMonitor
  readonly canWrite: boolean
  private readonly reporter?: ParentReporter
  private repoNames?: RepoNames
  private readonly log: LifecycleLog

  private constructor(
    private readonly opts: LifecycleOptions,
    store: StateStore,
  ) {
    this.log = opts.log ?? (() => undefined)
    this.store = store
    this.canWrite = opts.write
    this.monitor = new RunMonitor({
      context: opts.context,
      store,
      intervalMs: opts.intervalMs ?? monitorIntervalFromEnv(opts.env),
      log: this.log,
      reporting: opts.write,
      repoNames: () => this.repoNames,
    })
    if (opts.write) {
      this.reporter = new ParentReporter(this.monitor, opts.context, path.join(path.dirname(store.file), 'reports'), this.log)
    }
  }

  /** Opens the lifecycle: the state file is read (a corrupt one set aside, with a note). */
  static async open(opts: LifecycleOptions): Promise<RunLifecycle> {
    const log = opts.log ?? (() => undefined)
    const store = StateStore.forEnv(opts.env, (level, message) => log(level, message))
    await store.load()
    return new RunLifecycle(opts, store)
  }

  private async context(): Promise<ServiceContext> {
    const ctx = await this.opts.context()
    try {
      this.repoNames ??= cachedRepoNames(ctx.env, ctx.orgId(), ctx.config.baseUrl)
    } catch {
      // No org configured yet: the step itself says so.
    }
    return ctx
  }

  private refuseWrites(what: string): void {
    if (!this.canWrite) throw new CodegenError('usage', `This codegenapi is read-only: it does not ${what}.`)
  }

  // --- start and resume ---------------------------------------------------------------------------

  /**
   * Starts a run and records it, with its repository and its explicit parent, so that `watch` or an MCP
   * server follows it and delivers its report. A failed write of the record is thrown after the run
   * exists: see `record`.
   */
  async start(req: NewRunRequest, opts: StartOptions<CreatedRun> = {}): Promise<{created: CreatedRun; record: RunRecord}> {
    return this.startPrepared(await this.prepare(req, opts.signal), opts)
  }

  /** Checks every input of a run to start and resolves its repository and parent; sends no write. */
  async prepare(req: NewRunRequest, signal?: AbortSignal): Promise<PreparedRun> {
    this.refuseWrites('start agent runs')
    return prepareRun(await this.context(), req, signal)
  }

  /** `start` for a run already prepared (checked once for several attempts): one create, never sent twice. */
  async startPrepared(prepared: PreparedRun, opts: StartOptions<CreatedRun> = {}): Promise<{created: CreatedRun; record: RunRecord}> {
    this.refuseWrites('start agent runs')
    const created = await createPrepared(await this.context(), prepared, {
      ...opts,
      late: this.recordLate(opts, (c) => this.recordStart(c)),
    })
    return {created, record: await this.recordStart(created)}
  }

  private async recordStart(created: CreatedRun): Promise<RunRecord> {
    const run = created.run
    // The parent link is written here and only here, from the explicit parent the request carried.
    const known = {repo: created.repo?.full_name, parent_run_id: validId(created.parentRunId) ?? null}
    const record = this.monitor.watch(run, {reporting: true, known})
    await this.commit(run.id)
    return record
  }

  /**
   * A run another operation starts (setup commands): recorded and followed as one from `start`, also
   * when its answer comes after the caller stopped waiting. It has no parent to report to.
   */
  async startWith<T extends {run: AgentRun}>(
    start: (opts: StartOptions<T>) => Promise<T>,
    opts: StartOptions<T> = {},
  ): Promise<{started: T; record: RunRecord}> {
    this.refuseWrites('start agent runs')
    const record = async (value: T) => {
      const watched = this.monitor.watch(value.run, {reporting: false})
      await this.commit(value.run.id)
      return watched
    }
    const started = await start({...opts, late: this.recordLate(opts, record)})
    return {started, record: await record(started)}
  }

  /** Resumes a COMPLETE run; it is watched again even while the API still shows its old final status (F-41). */
  async resume(req: ResumeRequest, opts: StartOptions<AgentRun> = {}): Promise<{run: AgentRun; record: RunRecord}> {
    this.refuseWrites('resume agent runs')
    const run = await resumeRun(await this.context(), req, {...opts, late: this.recordLate(opts, (r) => this.recordResume(r))})
    return {run, record: await this.recordResume(run)}
  }

  private async recordResume(run: AgentRun): Promise<RunRecord> {
    const record = this.monitor.watch(run, {resumed: true, reporting: true})
    await this.commit(run.id)
    return record
  }

  /**
   * The caller stopped waiting while its create or resume was on the wire (an MCP deadline or cancel,
   * Ctrl-C): the run it started is still recorded and watched when the answer comes, and the caller
   * (the CLI, waiting on) gets the outcome once it is recorded.
   */
  private recordLate<T>(opts: StartOptions<T>, record: (value: T) => Promise<unknown>): (outcome: Promise<T>) => void {
    return (outcome) => {
      const recorded = outcome.then(async (value) => {
        await record(value)
        return value
      })
      recorded.catch(() => undefined)
      opts.late?.(recorded)
    }
  }

  /** Writes the record now; a failure is said (on stderr in the CLI), naming the run (F-65). The run exists either way. */
  private async commit(id: number): Promise<void> {
    await this.store
      .flush()
      .catch((error: Error) => this.log('warning', `Could not record run ${id} in the local run state: ${error.message}`))
  }

  // --- get ----------------------------------------------------------------------------------------

  /**
   * The run from the API, its record updated (F-32). When the API cannot be reached or rate-limits, a
   * recorded run is returned marked stale with when it was last seen (F-35, F-24); "not found" and
   * every other error are thrown.
   */
  async get(id: number, opts: {signal?: AbortSignal; fallback?: boolean} = {}): Promise<SeenRun> {
    try {
      const run = await getRun(await this.context(), id, opts.signal)
      return {run, record: await this.observe(run)}
    } catch (error) {
      const record = this.store.get(id)
      if (opts.fallback === false || !record || !(error instanceof CodegenError) || !FALLBACK_KINDS.has(error.kind)) throw error
      return {run: runFromRecord(record), record, stale: {error, lastSeen: record.last_seen}}
    }
  }

  /** Records what was seen of a run the state knows; runs it does not know are not added. */
  async observe(run: AgentRun): Promise<RunRecord | undefined> {
    return (await this.observeAll([run]))[0]
  }

  /** The same for several runs (a listing), written at once; each run's record, or undefined when unknown. */
  async observeAll(runs: AgentRun[]): Promise<(RunRecord | undefined)[]> {
    let changed = false
    const records = runs.map((run) => {
      const previous = this.store.get(run.id)
      if (!previous || !recordDiffers(previous, run)) return previous
      changed = true
      return this.store.put(observedRecord(previous, run, new Date(), this.repoNames))
    })
    if (changed) await this.store.flush().catch((error: Error) => this.log('warning', error.message))
    return records
  }

  // --- wait and watch ---------------------------------------------------------------------------------

  /** Follows one run with the monitor until it is final, time runs out or the signal aborts. */
  async wait(
    runOrId: AgentRun | number,
    opts: {timeoutMs: number; signal?: AbortSignal; onPoll?: (r: RunRecord) => void; keepWatching?: boolean},
  ): Promise<WaitResult> {
    await this.context()
    const id = typeof runOrId === 'number' ? runOrId : runOrId.id
    const known = this.store.get(id)
    const waited = await this.monitor.waitFor(runOrId, {
      ...opts,
      // A CLI wait stops at an error the API will not get over by waiting (no network, no token), as
      // before; a rate limit is waited out. A server keeps trying: its clients ask again.
      giveUpOn: opts.keepWatching === false ? (error) => !(error instanceof CodegenError && error.kind === 'rate_limit') : undefined,
    })
    if (waited.error !== undefined) {
      if (!known?.watched) this.monitor.unwatch(id, 'waited for, not watched')
      throw waited.error
    }
    // A CLI wait that ends early leaves a run it did not know unwatched: a later `watch` is not its heir.
    if (opts.keepWatching === false && !known?.watched && !waited.finished && !waited.missing)
      this.monitor.unwatch(id, 'waited for, not watched')
    await this.store.flush().catch((error: Error) => this.log('warning', error.message))
    const run = this.monitor.lastRun(id) ?? runFromRecord(waited.record)
    return {...waited, run, timedOut: !waited.finished && !waited.missing && !opts.signal?.aborted}
  }

  /**
   * `watch`: exactly the given runs (F-31), asking the API about each even when the state says it is
   * final (F-34); with no ids, the runs the state says are still active. Reports to parents that become
   * deliverable are sent before it returns (a writer only).
   */
  async watch(ids: number[], opts: {timeoutMs: number; signal?: AbortSignal; onUpdate?: (u: RunUpdate) => void}): Promise<WatchOutcome> {
    await this.context()
    const targets = ids.length > 0 ? [...new Set(ids)] : this.monitor.start().map((r) => r.id)
    const wanted = new Set(targets)
    const known = new Set(targets.filter((id) => this.store.get(id)?.watched))
    const off = opts.onUpdate ? this.monitor.onUpdate((u) => wanted.has(u.record.id) && opts.onUpdate!(u)) : undefined
    this.reporter?.start()
    try {
      const results = await Promise.all(
        targets.map(async (id): Promise<WatchedRun> => {
          const w = await this.monitor.waitFor(id, {timeoutMs: opts.timeoutMs, signal: opts.signal, reporting: this.canWrite})
          return {id, record: w.record, run: this.monitor.lastRun(id), finished: w.finished, missing: w.missing}
        }),
      )
      // Runs given by id that the state did not follow before are not followed after (F-31).
      for (const r of results) if (!r.finished && !r.missing && !known.has(r.id)) this.monitor.unwatch(r.id, 'watched once, not followed')
      // Reports to parents that became deliverable at the end are sent before we leave.
      await this.reporter?.deliver()
      return {runs: results, timedOut: results.some((r) => !r.finished && !r.missing)}
    } finally {
      off?.()
    }
  }

  /** A run a client subscribed to (or asked to watch): followed for reading only, never reported. */
  follow(runOrId: AgentRun | number): RunRecord {
    return this.monitor.watch(runOrId, {reporting: false})
  }

  /** Resumes watching the runs the state says are still active (an MCP server starting). */
  resumeWatching(): RunRecord[] {
    const active = this.monitor.start()
    this.reporter?.start()
    return active
  }

  /** Stops the monitor and the reporter; the state is written. */
  async close(): Promise<void> {
    this.reporter?.stop()
    await this.monitor.stop()
  }
}
