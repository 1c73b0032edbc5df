// The fake's data and the life cycle of runs it starts: ACTIVE, gaining logs, then terminal.
import {
  createRng,
  createSeed,
  iso,
  makeLog,
  pullRequest,
  RUN_ID_BASE,
  seedLogs,
  webUrl,
  type Rng,
  type SeedConfig,
  type SeedData,
} from './data.js'
import {markersIn, SLOW_RUN_MS} from './markers.js'
import type {AgentRunLog, FakeRun, Organization, Repo, User} from './types.js'

export interface LifecycleConfig {
  runDurationMs?: number
  pollsToComplete?: number
  outcome: string
  logIntervalMs: number
}

interface Lifecycle {
  startedAt: number
  lastLogAt: number
  polls: number
  step: number
  /** From the prompt's markers (markers.ts): the final status, how long (null: until stopped), a question. */
  outcome?: string
  durationMs?: number | null
  ask?: boolean
}

/** Everything the state holds that changes, for the sandbox to keep between invocations (store.ts). */
export interface StateSnapshot {
  now: number
  data: SeedData
  logs: Map<number, AgentRunLog[]>
  live: Map<number, Lifecycle>
  runRepo: Map<number, string>
  extras: Map<string, unknown>
  rng: number
}

/** A run that is never stopped keeps logging: not forever. */
const MAX_LOGS = 1000

export interface CreateInput {
  prompt: string
  repo_id?: number | null
  metadata?: Record<string, unknown> | null
  images?: string[] | null
  model?: string | null
  agent_type?: string | null
}

const ACTION_SCRIPT = ['plan', 'action', 'action', 'action', 'action', 'action'] as const

export class FakeState {
  private data!: SeedData
  private logs = new Map<number, AgentRunLog[]>()
  private live = new Map<number, Lifecycle>()
  /** Repository chosen by repo_id at creation, for the PR a completed run opens. */
  private runRepo = new Map<number, string>()
  private rng!: Rng
  /** State of endpoints kept in other modules (routes-rest.ts), cleared with the rest. */
  readonly extras = new Map<string, unknown>()
  private now!: number

  constructor(
    private readonly seedConfig: Omit<SeedConfig, 'now'> & {now?: number},
    private readonly lifecycle: LifecycleConfig,
  ) {
    this.restore()
  }

  restore(): void {
    this.now = this.seedConfig.now ?? Date.now()
    this.data = createSeed({...this.seedConfig, now: this.now})
    this.logs.clear()
    this.live.clear()
    this.runRepo.clear()
    this.extras.clear()
    this.rng = createRng(this.seedConfig.seed + 1)
  }

  snapshot(): StateSnapshot {
    const {now, data, logs, live, runRepo, extras} = this
    return {now, data, logs, live, runRepo, extras, rng: this.rng.state}
  }

  load(snapshot: StateSnapshot): void {
    this.now = snapshot.now
    this.data = snapshot.data
    this.logs = snapshot.logs
    this.live = snapshot.live
    this.runRepo = snapshot.runRepo
    this.extras.clear()
    for (const [key, value] of snapshot.extras) this.extras.set(key, value)
    this.rng = createRng(snapshot.rng)
  }

  get orgs(): Organization[] {
    return this.data.orgs
  }
  get defaultOrgId(): number {
    return this.seedConfig.orgId
  }
  isMember(orgId: number): boolean {
    return this.data.orgs.some((o) => o.id === orgId)
  }
  users(orgId: number): User[] {
    return this.data.users.get(orgId) ?? []
  }
  repos(orgId: number): Repo[] {
    return this.data.repos.get(orgId) ?? []
  }
  me(): User {
    return this.users(this.seedConfig.orgId)[0]
  }

  /** All runs, newest first, with life cycles brought up to date. */
  allRuns(now = Date.now()): FakeRun[] {
    for (const id of this.live.keys()) this.advance(this.findRun(id)!, now, false)
    return this.data.runs
  }

  findRun(id: number): FakeRun | undefined {
    return this.data.runs.find((r) => r.id === id)
  }

  /** The run as a GET sees it: a GET counts as a poll for pollsToComplete. */
  pollRun(orgId: number, id: number, now = Date.now()): FakeRun | undefined {
    const run = this.findRun(id)
    if (!run || run.organization_id !== orgId) return undefined
    this.advance(run, now, true)
    return run
  }

  logsOf(run: FakeRun): AgentRunLog[] {
    let logs = this.logs.get(run.id)
    if (!logs) {
      // Runs the fake created or was given have their logs from the start; only seeded runs get here.
      const newestComplete = RUN_ID_BASE + this.seedConfig.runCount - 1
      // That one gets more than 100 entries, so reading all of its log takes paging.
      logs = seedLogs(run, this.seedConfig.seed, this.now, run.id === newestComplete ? 137 : undefined)
      this.logs.set(run.id, logs)
    }
    return logs
  }

  private nextRunId(): number {
    return this.data.runs.reduce((max, r) => Math.max(max, r.id), RUN_ID_BASE + this.seedConfig.runCount) + 1
  }

  private insert(run: FakeRun): void {
    const runs = this.data.runs
    const key = (r: FakeRun) => (r.created_at ? Date.parse(r.created_at) : 0)
    // Newest first: created_at, then id, both descending.
    let i = 0
    while (i < runs.length && (key(runs[i]) > key(run) || (key(runs[i]) === key(run) && runs[i].id > run.id))) i++
    runs.splice(i, 0, run)
  }

  createRun(orgId: number, input: CreateInput, creatorId: number, now = Date.now()): FakeRun {
    const id = this.nextRunId()
    const run = this.blankRun(id, now, {organization_id: orgId, status: 'ACTIVE', metadata: input.metadata ?? null, creator_id: creatorId})
    this.insert(run)
    const repo = this.repos(orgId).find((r) => r.id === input.repo_id)
    if (repo) this.runRepo.set(id, repo.full_name)
    this.logs.set(id, [makeLog(this.rng, id, now, 'user', input.prompt)])
    this.start(run, now, input.prompt)
    return run
  }

  resumeRun(run: FakeRun, prompt: string, now = Date.now()): FakeRun {
    this.live.delete(run.id)
    this.logsOf(run).push(makeLog(this.rng, run.id, now, 'user', prompt))
    run.status = 'ACTIVE'
    this.start(run, now, prompt)
    return run
  }

  private start(run: FakeRun, now: number, prompt = ''): void {
    const lc: Lifecycle = {startedAt: now, lastLogAt: now, polls: 0, step: 0}
    const markers = markersIn(prompt)
    if (markers.has('fail')) lc.outcome = 'FAILED'
    if (markers.has('error')) lc.outcome = 'ERROR'
    if (markers.has('slow')) lc.durationMs = SLOW_RUN_MS
    if (markers.has('stuck')) lc.durationMs = null
    if (markers.has('ask')) lc.ask = true
    this.live.set(run.id, lc)
  }

  private appendLog(run: FakeRun, lc: Lifecycle, at: number): void {
    const kind = ACTION_SCRIPT[lc.step++ % ACTION_SCRIPT.length]
    this.logsOf(run).push(makeLog(this.rng, run.id, at, kind))
  }

  private durationMs(): number | undefined {
    const {runDurationMs, pollsToComplete} = this.lifecycle
    return runDurationMs ?? (pollsToComplete === undefined ? 1500 : undefined)
  }

  /** The Nth poll (pollsToComplete) or the first look after runDurationMs sees the final status. */
  private advance(run: FakeRun, now: number, poll: boolean): void {
    const lc = this.live.get(run.id)
    if (!lc) return
    const {logIntervalMs} = this.lifecycle
    // A marker's duration (markers.ts) beats the configured one, and polls do not end such a run.
    const pollsToComplete = lc.durationMs === undefined ? this.lifecycle.pollsToComplete : undefined
    const duration = lc.durationMs === null ? Infinity : (lc.durationMs ?? this.durationMs())
    const endAt = duration === undefined ? Infinity : lc.startedAt + duration
    if (duration !== undefined) {
      while (lc.lastLogAt + logIntervalMs <= Math.min(now, endAt)) {
        lc.lastLogAt += logIntervalMs
        if (this.logsOf(run).length < MAX_LOGS) this.appendLog(run, lc, lc.lastLogAt)
      }
    }
    if (poll && pollsToComplete !== undefined) {
      lc.polls++
      this.appendLog(run, lc, now)
    }
    if ((pollsToComplete !== undefined && lc.polls >= pollsToComplete) || now >= endAt) this.finish(run, lc, Math.min(now, endAt))
  }

  private finish(run: FakeRun, lc: Lifecycle, at: number): void {
    this.live.delete(run.id)
    const outcome = lc.outcome ?? this.lifecycle.outcome
    run.status = outcome
    const firstPrompt = this.logsOf(run).find((l) => l.message_type === 'USER_MESSAGE')?.observation
    const title = (typeof firstPrompt === 'string' ? firstPrompt.split('\n')[0].trim() : '').slice(0, 72) || 'Codegen changes'
    const upper = outcome.toUpperCase()
    if (upper === 'COMPLETE' && lc.ask) {
      // The [ask] marker: the agent stops to ask; a resume (with any answer) does the work.
      run.summary = `${title}: waiting for your answer.`
      run.result = `## A question before I start\n\nShould the change keep the current public API, or may it break it?\n\nResume this run with your answer: codegenapi resume ${run.id} --query "Keep the API"`
      this.logsOf(run).push(makeLog(this.rng, run.id, at, 'final'))
    } else if (upper === 'COMPLETE') {
      const repo =
        this.runRepo.get(run.id) ??
        (typeof run.metadata?.repo === 'string' ? run.metadata.repo : (this.repos(run.organization_id)[0]?.full_name ?? 'acme/robot-core'))
      if (!run.github_pull_requests?.length) {
        run.github_pull_requests = [pullRequest(this.data.nextPrId++, repo, 2400 + (run.id % 1000), title, at)]
      }
      run.summary = `${title}: done, pull request opened.`
      run.result = `## Done\n\n${title}\n\nOpened ${run.github_pull_requests[0].url}.`
      this.logsOf(run).push(makeLog(this.rng, run.id, at, 'final'))
    } else if (upper === 'FAILED' || upper === 'ERROR') {
      run.result = 'The agent could not finish: tests kept failing after 3 attempts.'
      run.summary = null
      this.logsOf(run).push(makeLog(this.rng, run.id, at, 'error'))
    }
  }

  setRunStatus(id: number, status: string, patch: Partial<FakeRun> = {}): FakeRun {
    const run = this.findRun(id)
    if (!run) throw new Error(`fake API: no run ${id}`)
    this.live.delete(id)
    Object.assign(run, patch, {status})
    return run
  }

  addRun(partial: Partial<FakeRun> & {logs?: Partial<AgentRunLog>[]} = {}, live = false, now = Date.now()): FakeRun {
    const {logs, ...fields} = partial
    const id = fields.id ?? this.nextRunId()
    if (this.findRun(id)) throw new Error(`fake API: run ${id} exists`)
    const run = this.blankRun(id, now, fields)
    this.insert(run)
    const base: AgentRunLog = {
      agent_run_id: id,
      created_at: run.created_at,
      tool_name: null,
      message_type: 'ACTION',
      thought: null,
      observation: null,
      tool_input: null,
      tool_output: null,
    }
    this.logs.set(
      id,
      (logs ?? []).map((l) => ({...base, ...l, agent_run_id: id})),
    )
    if (live) {
      run.status = 'ACTIVE'
      this.start(run, now)
    }
    return run
  }

  /** A run as the API creates it (source API, no result yet), with `fields` laid over it. */
  private blankRun(id: number, now: number, fields: Partial<FakeRun>): FakeRun {
    return {
      id,
      organization_id: this.seedConfig.orgId,
      status: 'COMPLETE',
      created_at: iso(now),
      web_url: webUrl(id),
      result: null,
      summary: null,
      source_type: 'API',
      github_pull_requests: [],
      metadata: null,
      creator_id: this.seedConfig.userId,
      ...fields,
    }
  }
}
