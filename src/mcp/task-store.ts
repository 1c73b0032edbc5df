import {randomBytes} from 'node:crypto'
import {readJsonFile, writeFileAtomic} from '../services/files.js'

// The MCP task store behind `codegenapi_run` (MCP tasks, spec 2025-11-25). Structurally the SDK's
// TaskStore, without importing it. Unlike the SDK's InMemoryTaskStore:
// - a task's time to live counts from when it finished, not from when it was created: an agent run may
//   work far longer than the TTL a client asks for, and its task must not vanish meanwhile;
// - tasks and their results are kept in a file next to the run state (tasks.json), so that they
//   survive a restart, and a task whose run was still working is followed again (see task-runner.ts);
// - a cancelled task has a result: the cancellation, as a tool error a client can show.
// Timers never keep the process alive.

export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled'

export interface TaskInfo {
  taskId: string
  status: TaskStatus
  ttl: number | null
  createdAt: string
  lastUpdatedAt: string
  pollInterval?: number
  statusMessage?: string
}

type Result = {[key: string]: unknown}

/** What a task is about: the tool and, once started, its agent run (to follow it after a restart). */
export interface TaskSubject {
  tool: string
  runId?: number
}

interface Stored {
  task: TaskInfo
  sessionId?: string
  result?: Result
  subject?: TaskSubject
}

const TERMINAL: TaskStatus[] = ['completed', 'failed', 'cancelled']
export const isTaskTerminal = (s: TaskStatus) => TERMINAL.includes(s)

/** Results are kept this long after a task ends when the client asked for no TTL (or a shorter one). */
const MIN_TTL_MS = 60 * 60 * 1000
/** And never longer than this (a client may ask for any TTL). */
const MAX_TTL_MS = 7 * 24 * 60 * 60 * 1000
const DEFAULT_POLL_MS = 5000
const FILE_VERSION = 1

export function cancelledResult(message: string): Result {
  return {content: [{type: 'text', text: message}], isError: true}
}

// The SDK's TaskStore interface is asynchronous; this store answers from memory (and writes later).
/* eslint-disable @typescript-eslint/require-await */
export class RunTaskStore {
  private readonly tasks = new Map<string, Stored>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly listeners = new Set<(task: TaskInfo) => void>()
  private writing: Promise<void> = Promise.resolve()
  private dirty = false
  /** Tasks this process dropped (expired): not to be merged back from the file. */
  private readonly forgotten = new Set<string>()

  /** With a file, tasks are loaded from it (`load`) and every change is written to it. */
  constructor(
    readonly file?: string,
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  /** Called whenever a task changes status (cancellation included). */
  onChange(listener: (task: TaskInfo) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Reads the tasks a previous server left; expired ones are dropped. */
  async load(): Promise<void> {
    for (const stored of await this.readFile()) {
      if (this.tasks.has(stored.task.taskId)) continue
      // Sessions do not survive a restart: the task id (128 random bits) is what finds the task now.
      this.tasks.set(stored.task.taskId, {...stored, sessionId: undefined})
      if (isTaskTerminal(stored.task.status)) this.expireLater(stored)
    }
  }

  /** Tasks still working on an agent run, as a previous server left them: to be followed again. */
  unfinished(): {taskId: string; subject: TaskSubject & {runId: number}}[] {
    return [...this.tasks.values()]
      .filter((s) => !isTaskTerminal(s.task.status) && s.subject?.runId !== undefined)
      .map((s) => ({taskId: s.task.taskId, subject: s.subject as TaskSubject & {runId: number}}))
  }

  async createTask(
    params: {ttl?: number | null; pollInterval?: number},
    _requestId: unknown,
    _request: unknown,
    sessionId?: string,
  ): Promise<TaskInfo> {
    const now = new Date().toISOString()
    const task: TaskInfo = {
      taskId: randomBytes(16).toString('hex'),
      status: 'working',
      ttl: Math.min(Math.max(params.ttl ?? 0, MIN_TTL_MS), MAX_TTL_MS),
      createdAt: now,
      lastUpdatedAt: now,
      pollInterval: params.pollInterval ?? DEFAULT_POLL_MS,
    }
    this.tasks.set(task.taskId, {task, sessionId})
    this.save()
    return {...task}
  }

  /** Records what the task works on (the tool, then its run), so that a restarted server can follow it. */
  describe(taskId: string, subject: TaskSubject): void {
    const stored = this.tasks.get(taskId)
    if (!stored) return
    stored.subject = {...stored.subject, ...subject}
    this.save()
  }

  /** The status message the next status change carries (e.g. the run's final status). */
  setMessage(taskId: string, statusMessage: string): void {
    const stored = this.tasks.get(taskId)
    if (stored && !isTaskTerminal(stored.task.status)) stored.task.statusMessage = statusMessage
  }

  async getTask(taskId: string, sessionId?: string): Promise<TaskInfo | null> {
    const stored = this.lookup(taskId, sessionId)
    return stored ? {...stored.task} : null
  }

  async storeTaskResult(taskId: string, status: 'completed' | 'failed', result: Result, sessionId?: string): Promise<void> {
    const stored = this.mustFind(taskId, sessionId)
    if (isTaskTerminal(stored.task.status)) throw new Error(`Task ${taskId} is already ${stored.task.status}.`)
    stored.result = result
    this.set(stored, status)
  }

  async getTaskResult(taskId: string, sessionId?: string): Promise<Result> {
    const stored = this.mustFind(taskId, sessionId)
    if (stored.result) return stored.result
    if (stored.task.status === 'cancelled') return cancelledResult(this.cancelledText(stored))
    throw new Error(`Task ${taskId} has no result yet.`)
  }

  async updateTaskStatus(taskId: string, status: TaskStatus, statusMessage?: string, sessionId?: string): Promise<void> {
    const stored = this.mustFind(taskId, sessionId)
    if (isTaskTerminal(stored.task.status)) throw new Error(`Task ${taskId} is already ${stored.task.status}.`)
    if (statusMessage) stored.task.statusMessage = statusMessage
    if (status === 'cancelled') stored.result = cancelledResult(this.cancelledText(stored))
    this.set(stored, status)
  }

  async listTasks(_cursor?: string, sessionId?: string): Promise<{tasks: TaskInfo[]; nextCursor?: string}> {
    const tasks = [...this.tasks.values()].filter((s) => sessionId === undefined || s.sessionId === sessionId).map((s) => ({...s.task}))
    return {tasks}
  }

  /** Clears the expiry timers and writes the file (shutdown). */
  async close(): Promise<void> {
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
    await this.flush()
  }

  /** Resolves once every change so far is in the file. */
  async flush(): Promise<void> {
    let last
    do {
      last = this.writing
      await last
    } while (last !== this.writing)
  }

  private cancelledText(stored: Stored): string {
    const run = stored.subject?.runId
    return `The task was cancelled${stored.task.statusMessage ? ` (${stored.task.statusMessage})` : ''}.${
      run ? ` Agent run ${run} itself goes on: check it with codegenapi_get_agent_run (agent_run_id ${run}).` : ''
    }`
  }

  private set(stored: Stored, status: TaskStatus): void {
    stored.task.status = status
    stored.task.lastUpdatedAt = new Date().toISOString()
    if (isTaskTerminal(status)) this.expireLater(stored)
    this.save()
    for (const fn of this.listeners) fn({...stored.task})
  }

  private expireLater(stored: Stored): void {
    const id = stored.task.taskId
    clearTimeout(this.timers.get(id))
    const left = Date.parse(stored.task.lastUpdatedAt) + (stored.task.ttl ?? MIN_TTL_MS) - Date.now()
    const timer = setTimeout(
      () => {
        this.tasks.delete(id)
        this.timers.delete(id)
        this.forgotten.add(id)
        this.save()
      },
      Math.min(Math.max(left, 0), MAX_TTL_MS),
    )
    timer.unref()
    this.timers.set(id, timer)
  }

  private lookup(taskId: string, sessionId?: string): Stored | undefined {
    const stored = this.tasks.get(taskId)
    if (stored && sessionId !== undefined && stored.sessionId !== undefined && stored.sessionId !== sessionId) return undefined
    return stored
  }

  private mustFind(taskId: string, sessionId?: string): Stored {
    const stored = this.lookup(taskId, sessionId)
    if (!stored) throw new Error(`Task ${taskId} not found.`)
    return stored
  }

  // --- the file ------------------------------------------------------------------------------------

  private async readFile(): Promise<Stored[]> {
    if (!this.file) return []
    let data: unknown
    try {
      data = await readJsonFile(this.file, 'MCP task file')
    } catch (error) {
      this.warn(`${(error as Error).message} Starting without the tasks it held.`)
      return []
    }
    const tasks = (data as {tasks?: unknown} | undefined)?.tasks
    if (!Array.isArray(tasks)) return []
    const now = Date.now()
    return (tasks as Stored[]).filter(
      (s) =>
        typeof s?.task?.taskId === 'string' &&
        /^[0-9a-f]{32}$/.test(s.task.taskId) &&
        TERMINAL.concat('working', 'input_required').includes(s.task.status) &&
        !(isTaskTerminal(s.task.status) && Date.parse(s.task.lastUpdatedAt) + (s.task.ttl ?? MIN_TTL_MS) < now),
    )
  }

  /**
   * Writes the tasks (one write at a time; changes meanwhile are folded into the next). Another server
   * may share the file (two hosts, two stdio servers): its tasks in the file are kept.
   */
  private save(): void {
    if (!this.file) return
    if (this.dirty) return
    this.dirty = true
    this.writing = this.writing.then(async () => {
      this.dirty = false
      const theirs = (await this.readFile()).filter((s) => !this.tasks.has(s.task.taskId) && !this.forgotten.has(s.task.taskId))
      const tasks = [...theirs, ...this.tasks.values()].map((s) => ({task: s.task, result: s.result, subject: s.subject}))
      await writeFileAtomic(this.file!, JSON.stringify({version: FILE_VERSION, tasks})).catch((error: Error) =>
        this.warn(`Could not write the MCP task file ${this.file}: ${error.message}`),
      )
    })
  }
}
/* eslint-enable @typescript-eslint/require-await */
