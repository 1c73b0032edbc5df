import fs from 'node:fs/promises'
import {parseRecord, isTerminal, PARENT_REPORT_STATES, type RunRecord} from '../domain/run.js'
import {readJsonFile, writeFileAtomic} from './files.js'
import {withLock} from './lock.js'
import {stateFile} from './paths.js'

// The run state store: what codegenapi knows about the agent runs it started or saw, so `watch`, an
// MCP server and the offline fallback of `get` can use it. A small JSON file under the XDG state dir,
// written whole and atomically (mode 0600). Every write takes a lock in the state directory, re-reads
// the file and merges, so concurrent writers (20 `new` at once, two MCP servers) lose nothing (F-63).

export type {RunRecord, StoredPullRequest} from '../domain/run.js'
export {recordFromRun, runFromRecord} from '../domain/run.js'

interface StateDocument {
  version: 1
  runs: Record<string, RunRecord>
}

/** Terminal runs not watched any more are kept this long, and at most this many records overall. */
const KEEP_FINISHED_MS = 30 * 24 * 60 * 60 * 1000
const MAX_RECORDS = 500

export type StateLog = (level: 'info' | 'warning' | 'error', message: string) => void

const REPORT_ORDER = Object.fromEntries(PARENT_REPORT_STATES.map((s, i) => [s, i])) as Record<string, number>
const reportRank = (r: RunRecord) => (r.parent_report ? REPORT_ORDER[r.parent_report] : -1)

/** Two copies of one record: the newer wins, but a parent report never goes back (pending < sending < sent). */
function mergeRecord(ours: RunRecord, theirs: RunRecord): RunRecord {
  const newer = (theirs.updated_at ?? '') > (ours.updated_at ?? '') ? theirs : ours
  const further = reportRank(theirs) > reportRank(ours) ? theirs : ours
  if (further === newer || reportRank(further) <= reportRank(newer)) return newer
  return {...newer, parent_report: further.parent_report, parent_report_note: further.parent_report_note}
}

/**
 * In memory, persisted on change. Only the records this process changed are written over the file's;
 * the rest is taken from the file at every write, so a long-running server sees what others recorded.
 * Writes are serialized within a process and locked across processes.
 */
export class StateStore {
  readonly file: string
  private runs = new Map<number, RunRecord>()
  private readonly dirty = new Set<number>()
  private writing: Promise<void> = Promise.resolve()
  private flushTimer?: NodeJS.Timeout
  /** Set when the file on disk could not be used: the next write replaces it instead of merging with it. */
  private damaged = false
  /** The file as this process last read or wrote it: while it is unchanged, a write need not read it again. */
  private known?: string

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

  get lockFile(): string {
    return `${this.file}.lock`
  }

  /**
   * Loads the file. A missing file is an empty state; a corrupt one is set aside as
   * `<file>.corrupt-<time>` with a note, an unreadable one noted: the store starts empty either way.
   */
  async load(): Promise<void> {
    // Taken before the read: a write by another process in between only makes the next write read again.
    const seen = await fileStamp(this.file)
    const doc = await this.readFile(true)
    this.runs = new Map(Object.values(doc?.runs ?? {}).map((r) => [r.id, r]))
    this.known = doc && !this.damaged ? seen : undefined
  }

  get(id: number): RunRecord | undefined {
    const r = this.runs.get(id)
    return r ? {...r} : undefined
  }

  /** Newest first (by when they were first recorded). */
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
    const stamped = {...record, updated_at: new Date().toISOString()}
    this.runs.set(record.id, stamped)
    this.dirty.add(record.id)
    this.scheduleFlush()
    return {...stamped}
  }

  update(id: number, patch: Partial<RunRecord>): RunRecord | undefined {
    const current = this.runs.get(id)
    if (!current) return undefined
    return this.put({...current, ...patch, id})
  }

  /** Writes pending changes now; rejects when they could not be written (they stay pending). */
  flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    const next = this.writing.catch(() => undefined).then(() => (this.dirty.size > 0 ? this.write() : undefined))
    this.writing = next
    return next
  }

  /** Writes what is pending; a failure is logged, not thrown (for background writers). */
  async close(): Promise<void> {
    await this.flush().catch((error) => this.log('error', (error as Error).message))
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return
    this.flushTimer = setTimeout(() => void this.close(), this.flushDelayMs)
    this.flushTimer.unref()
  }

  private async write(): Promise<void> {
    const mine = new Set(this.dirty)
    this.dirty.clear()
    try {
      await withLock(this.lockFile, async () => {
        // Unchanged since this process read or wrote it, the file holds what `runs` does: reading and
        // checking 1,000 records again on every write was most of a busy monitor's garbage.
        const own = !this.damaged && this.known !== undefined && this.known === (await fileStamp(this.file))
        const onDisk = this.damaged || own ? undefined : await this.readFile(false)
        const merged = new Map<number, RunRecord>(own ? this.runs : undefined)
        for (const theirs of Object.values(onDisk?.runs ?? {})) merged.set(theirs.id, theirs)
        for (const id of mine) {
          const ours = this.runs.get(id)
          if (!ours) continue
          const theirs = merged.get(id)
          merged.set(id, theirs ? mergeRecord(ours, theirs) : ours)
        }
        // Changed meanwhile in this process (after `mine` was taken): kept as they are, written next time.
        for (const id of this.dirty) {
          const ours = this.runs.get(id)
          if (ours) merged.set(id, ours)
        }
        prune(merged)
        const doc: StateDocument = {version: 1, runs: Object.fromEntries([...merged].map(([id, r]) => [String(id), r]))}
        // Bytes off the heap at once: the text of 1,000 records (600 KB) otherwise lived through the write.
        await writeFileAtomic(this.file, Buffer.from(JSON.stringify(doc, null, 2) + '\n'))
        this.known = await fileStamp(this.file)
        // What changed while the file was written stays as it is in memory.
        for (const id of this.dirty) {
          const ours = this.runs.get(id)
          if (ours) merged.set(id, ours)
        }
        this.runs = merged
        this.damaged = false
      })
    } catch (error) {
      for (const id of mine) this.dirty.add(id)
      throw new Error(`Could not write the state file ${this.file}: ${(error as Error).message}`, {cause: error})
    }
  }

  private async readFile(reportProblems: boolean): Promise<StateDocument | undefined> {
    let data: unknown
    try {
      data = await readJsonFile(this.file, 'state file')
    } catch (error) {
      if (!reportProblems) {
        if (/not valid JSON/.test((error as Error).message)) return undefined
        throw error
      }
      if (/not valid JSON/.test((error as Error).message)) return this.setAside((error as Error).message)
      // Unreadable (permissions, a directory...): leave it alone; writing it will likely fail too, and say so.
      this.damaged = true
      this.log('warning', `${(error as Error).message} Starting with an empty run state: runs watched before are not resumed.`)
      return undefined
    }
    if (data === undefined) return undefined
    if (!isStateDocument(data)) {
      return reportProblems ? this.setAside(`The state file ${this.file} does not hold codegenapi run state.`) : undefined
    }
    return {version: 1, runs: wellFormed(data.runs)}
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
      'warning',
      `${problem} Starting with an empty run state: runs watched before are not resumed.${moved ? ` The file was moved to ${aside}.` : ''}`,
    )
    return undefined
  }
}

/** What tells one version of the file from another (every writer replaces it by rename: a new inode); undefined when it is missing. */
async function fileStamp(file: string): Promise<string | undefined> {
  const st = await fs.stat(file).catch(() => undefined)
  return st && `${st.dev}:${st.ino}:${st.size}:${Math.trunc(st.mtimeMs)}`
}

/** Records that do not fit the schema (wrong types, bad ids) are dropped, never used (F-69). */
export function wellFormed(runs: Record<string, unknown>): Record<string, RunRecord> {
  const out: Record<string, RunRecord> = {}
  for (const value of Object.values(runs)) {
    const record = parseRecord(value)
    if (record) out[String(record.id)] = record
  }
  return out
}

function prune(runs: Map<number, RunRecord>): void {
  const now = Date.now()
  for (const [id, r] of runs) {
    if (!r.watched && isTerminal(r.status) && now - Date.parse(r.last_seen ?? r.watched_since) > KEEP_FINISHED_MS) runs.delete(id)
  }
  if (runs.size <= MAX_RECORDS) return
  // Drop the oldest records that are no longer watched first.
  const removable = [...runs.values()].filter((r) => !r.watched).sort((a, b) => (a.last_seen ?? '').localeCompare(b.last_seen ?? ''))
  for (const r of removable.slice(0, runs.size - MAX_RECORDS)) runs.delete(r.id)
}

export function isStateDocument(data: unknown): data is {runs: Record<string, unknown>} {
  return (
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data) &&
    typeof (data as StateDocument).runs === 'object' &&
    (data as StateDocument).runs !== null &&
    !Array.isArray((data as StateDocument).runs)
  )
}

/** Reads the state without keeping a store: for commands that show what was recorded. */
export async function readRunState(env: NodeJS.ProcessEnv, log?: StateLog): Promise<RunRecord[]> {
  const store = StateStore.forEnv(env, log)
  await store.load()
  return store.list()
}
