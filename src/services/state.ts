import fs from 'node:fs/promises'
import type {AgentRun} from '../api/schemas.js'
import {readJsonFile, writeFileAtomic} from './files.js'
import {stateFile} from './paths.js'
import {isTerminal} from './status.js'

// The run state store: what the MCP run monitor (and later `codegenapi watch`) knows about the agent
// runs it watches. A small JSON file under the XDG state dir, written whole and atomically (mode 0600),
// so a restarted server resumes watching and other commands can read the results.

export interface StoredPullRequest {
  id?: number
  title?: string | null
  url?: string | null
  head_branch_name?: string | null
}

export interface RunRecord {
  id: number
  org_id?: number
  status: string | null
  web_url?: string | null
  result?: string | null
  summary?: string | null
  created_at?: string | null
  source_type?: string | null
  prs: StoredPullRequest[]
  /** The repository named in the run's metadata, if any. */
  repo?: string | null
  /** A run started on behalf of another run (issue 6): the parent is resumed with a report. */
  parent_run_id?: number | null
  /** When the monitor started watching this run (ISO 8601). */
  watched_since: string
  /** Last time the API was asked about this run (ISO 8601). */
  last_seen?: string
  /** Last time its status changed (ISO 8601). */
  last_change?: string
  /** Still watched: false once it is terminal or someone stopped watching it. */
  watched: boolean
  /** Why it is no longer watched, when that is not "it finished". */
  note?: string
  /**
   * The report of this (child) run to its parent: pending until the parent is COMPLETE, `sending`
   * while the resume is under way (never sent twice, even after a crash), then `sent`; `undeliverable`
   * when the parent ended in another final status.
   */
  parent_report?: 'pending' | 'sending' | 'sent' | 'undeliverable'
  parent_report_note?: string
}

interface StateDocument {
  version: 1
  runs: Record<string, RunRecord>
}

/** Terminal runs not watched any more are kept this long, and at most this many records overall. */
const KEEP_FINISHED_MS = 30 * 24 * 60 * 60 * 1000
const MAX_RECORDS = 500
/** Long text is stored cut: the API keeps the whole of it. */
const MAX_STORED_TEXT = 20_000

export type StateLog = (level: 'info' | 'warning' | 'error', message: string) => void

const cut = (text: string | null | undefined) =>
  typeof text === 'string' && text.length > MAX_STORED_TEXT ? text.slice(0, MAX_STORED_TEXT) + ' …' : text

/** The record for a run as the API returned it, merged over what was known. */
export function recordFromRun(run: AgentRun, previous?: RunRecord, now = new Date()): RunRecord {
  const metadata = (run.metadata ?? {}) as Record<string, unknown>
  const parent = Number(metadata.parent_run_id)
  const repo = [metadata.repo, metadata.repository, metadata.repo_full_name].find((v) => typeof v === 'string') as string | undefined
  return {
    ...previous,
    id: run.id,
    org_id: run.organization_id,
    status: run.status ?? null,
    web_url: run.web_url ?? previous?.web_url ?? null,
    result: cut(run.result ?? null),
    // The list endpoint and the single-run endpoint both carry these; keep the last non-empty one.
    summary: cut(run.summary ?? previous?.summary ?? null),
    created_at: run.created_at ?? previous?.created_at ?? null,
    source_type: run.source_type ?? previous?.source_type ?? null,
    prs: (run.github_pull_requests ?? previous?.prs ?? []).map((pr) => ({
      id: pr.id,
      title: pr.title ?? null,
      url: pr.url ?? null,
      head_branch_name: pr.head_branch_name ?? null,
    })),
    repo: repo ?? previous?.repo ?? null,
    parent_run_id: Number.isSafeInteger(parent) && parent > 0 ? parent : (previous?.parent_run_id ?? null),
    watched_since: previous?.watched_since ?? now.toISOString(),
    last_seen: now.toISOString(),
    watched: previous?.watched ?? false,
  }
}

/**
 * In memory, persisted on change. Every write re-reads the file and merges it record by record (the
 * most recently seen record wins), so two servers, or a server and a CLI command, that write the same
 * file at about the same time lose nothing of each other's. Writes are serialized within a process.
 */
export class StateStore {
  readonly file: string
  private runs = new Map<number, RunRecord>()
  private writing: Promise<void> = Promise.resolve()
  private dirty = false
  private flushTimer?: NodeJS.Timeout
  /** Set when the file on disk could not be used: the next write replaces it instead of merging with it. */
  private damaged = false

  constructor(
    file: string,
    private readonly log: StateLog = () => undefined,
    private readonly flushDelayMs = 50,
  ) {
    this.file = file
  }

  static forEnv(env: NodeJS.ProcessEnv, log?: StateLog): StateStore {
    return new StateStore(stateFile(env), log)
  }

  /**
   * Loads the file. A missing file is an empty state; a corrupt or unreadable one is logged, naming the
   * file, and the store starts empty (a corrupt file is set aside as `<file>.corrupt-<time>`): the
   * server starts anyway.
   */
  async load(): Promise<void> {
    const doc = await this.readFile(true)
    this.runs = new Map(Object.values(doc?.runs ?? {}).map((r) => [r.id, r]))
  }

  get(id: number): RunRecord | undefined {
    const r = this.runs.get(id)
    return r ? {...r} : undefined
  }

  /** Newest first (by when they were first watched). */
  list(): RunRecord[] {
    return [...this.runs.values()]
      .sort((a, b) => (b.watched_since ?? '').localeCompare(a.watched_since ?? '') || b.id - a.id)
      .map((r) => ({...r}))
  }

  /** Runs still to watch: watched and not finished. */
  active(): RunRecord[] {
    return this.list().filter((r) => r.watched && !isTerminal(r.status))
  }

  put(record: RunRecord): RunRecord {
    this.runs.set(record.id, {...record})
    this.scheduleFlush()
    return {...record}
  }

  update(id: number, patch: Partial<RunRecord>): RunRecord | undefined {
    const current = this.runs.get(id)
    if (!current) return undefined
    return this.put({...current, ...patch, id})
  }

  /** Writes pending changes now; resolves when they are on disk (or the failure was logged). */
  flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    if (!this.dirty) return this.writing
    this.dirty = false
    this.writing = this.writing
      .then(() => this.write())
      .catch((error) => {
        this.log('error', `Could not write the state file ${this.file}: ${(error as Error).message}`)
      })
    return this.writing
  }

  /** Stops the delayed write timer; pending changes are written by a last `flush()`. */
  async close(): Promise<void> {
    await this.flush()
  }

  private scheduleFlush(): void {
    this.dirty = true
    if (this.flushTimer) return
    this.flushTimer = setTimeout(() => void this.flush(), this.flushDelayMs)
    this.flushTimer.unref()
  }

  private async write(): Promise<void> {
    // Merge with what another process may have written since: newest `last_seen` wins per record.
    const onDisk = this.damaged ? undefined : await this.readFile(false)
    for (const theirs of Object.values(onDisk?.runs ?? {})) {
      const ours = this.runs.get(theirs.id)
      if (!ours || (theirs.last_seen ?? '') > (ours.last_seen ?? '')) this.runs.set(theirs.id, theirs)
    }
    this.prune()
    const doc: StateDocument = {version: 1, runs: Object.fromEntries([...this.runs].map(([id, r]) => [String(id), r]))}
    await writeFileAtomic(this.file, JSON.stringify(doc, null, 2) + '\n')
    this.damaged = false
  }

  private prune(): void {
    const now = Date.now()
    for (const [id, r] of this.runs) {
      if (!r.watched && isTerminal(r.status) && now - Date.parse(r.last_seen ?? r.watched_since) > KEEP_FINISHED_MS) this.runs.delete(id)
    }
    if (this.runs.size <= MAX_RECORDS) return
    // Drop the oldest records that are no longer watched first.
    const removable = [...this.runs.values()].filter((r) => !r.watched).sort((a, b) => (a.last_seen ?? '').localeCompare(b.last_seen ?? ''))
    for (const r of removable.slice(0, this.runs.size - MAX_RECORDS)) this.runs.delete(r.id)
  }

  private async readFile(reportProblems: boolean): Promise<StateDocument | undefined> {
    let data: unknown
    try {
      data = await readJsonFile(this.file, 'state file')
    } catch (error) {
      if (!reportProblems) return undefined
      if (/not valid JSON/.test((error as Error).message)) return this.setAside((error as Error).message)
      // Unreadable (permissions...): leave it alone; writing it will likely fail too, and say so.
      this.damaged = true
      this.log('error', `${(error as Error).message} Starting with an empty run state: runs watched before are not resumed.`)
      return undefined
    }
    if (data === undefined) return undefined
    if (!isStateDocument(data)) {
      return reportProblems ? this.setAside(`The state file ${this.file} does not hold codegenapi run state.`) : undefined
    }
    // Drop records that are not well-formed rather than fail on them.
    const runs: Record<string, RunRecord> = {}
    for (const [key, r] of Object.entries(data.runs)) {
      if (r && typeof r === 'object' && Number.isSafeInteger((r as RunRecord).id) && (r as RunRecord).id > 0) {
        const rec = r as RunRecord
        runs[key] = {
          ...rec,
          prs: Array.isArray(rec.prs) ? rec.prs : [],
          watched: Boolean(rec.watched),
          watched_since: typeof rec.watched_since === 'string' ? rec.watched_since : new Date(0).toISOString(),
          status: typeof rec.status === 'string' ? rec.status : null,
        }
      }
    }
    return {version: 1, runs}
  }

  /** A corrupt file is moved aside (kept for a person to look at) and the store starts empty. */
  private async setAside(problem: string): Promise<undefined> {
    const aside = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`
    const moved = await fs.rename(this.file, aside).then(
      () => true,
      () => false,
    )
    if (!moved) this.damaged = true
    this.log(
      'error',
      `${problem} Starting with an empty run state: runs watched before are not resumed.${moved ? ` The file was moved to ${aside}.` : ''}`,
    )
    return undefined
  }
}

function isStateDocument(data: unknown): data is StateDocument {
  return (
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data) &&
    typeof (data as StateDocument).runs === 'object' &&
    (data as StateDocument).runs !== null
  )
}

/** Reads the state without keeping a store: for commands that show what the monitor recorded. */
export async function readRunState(env: NodeJS.ProcessEnv = process.env): Promise<RunRecord[]> {
  const store = StateStore.forEnv(env)
  await store.load()
  return store.list()
}

/** A stored record in the API's shape, for commands that print runs. */
export function runFromRecord(r: RunRecord): AgentRun {
  return {
    id: r.id,
    organization_id: r.org_id ?? 0,
    status: r.status,
    created_at: r.created_at ?? null,
    web_url: r.web_url ?? null,
    result: r.result ?? null,
    summary: r.summary ?? null,
    source_type: r.source_type ?? null,
    github_pull_requests: r.prs.map((pr) => ({
      id: pr.id ?? 0,
      title: pr.title ?? null,
      url: pr.url ?? null,
      created_at: '',
      head_branch_name: pr.head_branch_name ?? null,
    })),
    metadata: {...(r.repo ? {repo: r.repo} : {}), ...(r.parent_run_id ? {parent_run_id: r.parent_run_id} : {})},
  }
}
