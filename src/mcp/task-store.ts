import {randomBytes} from 'node:crypto'

// The MCP task store behind `codegenapi_run` (MCP tasks, spec 2025-11-25). Structurally the SDK's
// TaskStore, without importing it. Unlike the SDK's InMemoryTaskStore, a task's time to live counts
// from when it finished, not from when it was created: an agent run may work far longer than the TTL
// a client asks for, and its task must not vanish meanwhile. Timers never keep the process alive.

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

interface Stored {
  task: TaskInfo
  sessionId?: string
  result?: Result
}

const TERMINAL: TaskStatus[] = ['completed', 'failed', 'cancelled']
export const isTaskTerminal = (s: TaskStatus) => TERMINAL.includes(s)

/** Results are kept this long after a task ends when the client asked for no TTL (or a shorter one). */
const MIN_TTL_MS = 60 * 60 * 1000
const DEFAULT_POLL_MS = 5000

export class RunTaskStore {
  private readonly tasks = new Map<string, Stored>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly listeners = new Set<(task: TaskInfo) => void>()

  /** Called whenever a task changes status (cancellation included). */
  onChange(listener: (task: TaskInfo) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
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
      ttl: Math.max(params.ttl ?? 0, MIN_TTL_MS),
      createdAt: now,
      lastUpdatedAt: now,
      pollInterval: params.pollInterval ?? DEFAULT_POLL_MS,
    }
    this.tasks.set(task.taskId, {task, sessionId})
    return {...task}
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
    if (!stored.result) throw new Error(`Task ${taskId} has no result yet.`)
    return stored.result
  }

  async updateTaskStatus(taskId: string, status: TaskStatus, statusMessage?: string, sessionId?: string): Promise<void> {
    const stored = this.mustFind(taskId, sessionId)
    if (isTaskTerminal(stored.task.status)) throw new Error(`Task ${taskId} is already ${stored.task.status}.`)
    if (statusMessage) stored.task.statusMessage = statusMessage
    this.set(stored, status)
  }

  async listTasks(_cursor?: string, sessionId?: string): Promise<{tasks: TaskInfo[]; nextCursor?: string}> {
    const tasks = [...this.tasks.values()]
      .filter((s) => sessionId === undefined || s.sessionId === undefined || s.sessionId === sessionId)
      .map((s) => ({...s.task}))
    return {tasks}
  }

  /** Clears the expiry timers (shutdown). */
  close(): void {
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
  }

  private set(stored: Stored, status: TaskStatus): void {
    stored.task.status = status
    stored.task.lastUpdatedAt = new Date().toISOString()
    if (isTaskTerminal(status)) {
      const id = stored.task.taskId
      clearTimeout(this.timers.get(id))
      const timer = setTimeout(() => {
        this.tasks.delete(id)
        this.timers.delete(id)
      }, stored.task.ttl ?? MIN_TTL_MS)
      timer.unref()
      this.timers.set(id, timer)
    }
    for (const fn of this.listeners) fn({...stored.task})
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
}
