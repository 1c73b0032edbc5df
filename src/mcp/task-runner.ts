// The work behind a task tool (codegenapi_run), SDK-free: as an MCP task (start the run, follow it
// through the monitor, store the result), again after a restart for tasks a previous server left, and
// as a plain call for clients without task support (wait as long as a tool call may take).
import {CodegenError} from '../api/errors.js'
import type {RunRecord} from '../services/state.js'
import {isTerminal} from '../services/status.js'
import {checkedResult, errorResult, type ToolResult} from './results.js'
import type {McpApp} from './sdk.js'
import type {TaskToolDef, ToolContext, ToolOutcome} from './tools/define.js'

/** Where a task's progress goes: the request's store (it also notifies the client) or the app's store. */
export interface TaskSink {
  updateTaskStatus(taskId: string, status: 'working', message?: string): Promise<void>
  storeTaskResult(taskId: string, status: 'completed' | 'failed', result: ToolResult): Promise<void>
}

/** A plain call waits at most this long, and always answers before the tool deadline. */
export const PLAIN_WAIT_MS = 40_000

const quiet = <T>(p: Promise<T>) => p.catch(() => undefined)
const firstLine = (text: string) => text.split('\n', 1)[0]

/**
 * Follows a task to its end. `begin` is the tool's arguments (a new task: the run is started here) or
 * the id of the run a previous server started.
 */
export async function followTask(
  app: McpApp,
  def: TaskToolDef,
  taskId: string,
  sink: TaskSink,
  begin: {args: unknown} | {runId: number},
): Promise<void> {
  const cancel = new AbortController()
  const offStore = app.taskStore.onChange((t) => {
    if (t.taskId === taskId && t.status === 'cancelled') cancel.abort(new CodegenError('usage', 'The task was cancelled.'))
  })
  try {
    let record: RunRecord
    const tc = app.toolContext(cancel.signal, () => undefined, Date.now() + app.toolDeadlineMs)
    if ('args' in begin) {
      try {
        record = await def.start(begin.args as never, tc)
      } catch (error) {
        if (cancel.signal.aborted) return
        const result = errorResult(app, error)
        app.taskStore.setMessage(taskId, firstLine(result.content[0].text))
        await quiet(sink.storeTaskResult(taskId, 'failed', result))
        return
      }
    } else {
      const known = app.monitor.store.get(begin.runId)
      record = known && (isTerminal(known.status) || app.monitor.isWatched(known.id)) ? known : tc.lifecycle.follow(begin.runId)
    }
    const id = record.id
    app.taskStore.describe(taskId, {tool: def.name, runId: id})
    if (cancel.signal.aborted) return
    await quiet(
      sink.updateTaskStatus(
        taskId,
        'working',
        `Agent run ${id} is ${record.status ?? 'starting'}${record.web_url ? `: ${record.web_url}` : ''}`,
      ),
    )
    const final = await untilEnd(
      app,
      record,
      cancel.signal,
      (status) => void quiet(sink.updateTaskStatus(taskId, 'working', `Agent run ${id} is ${status}`)),
    )
    if (!final) return // cancelled: the run itself goes on (the API cannot stop it); the task is over.
    if (!isTerminal(final.status)) {
      const result = errorResult(
        app,
        new CodegenError('not_found', `Agent run ${id} is no longer watched (${final.note ?? 'unknown reason'}).`),
      )
      app.taskStore.setMessage(taskId, firstLine(result.content[0].text))
      await quiet(sink.storeTaskResult(taskId, 'failed', result))
      return
    }
    const outcome = def.finish(final)
    // The final status message says how the run ended (not the last "is ACTIVE").
    app.taskStore.setMessage(taskId, firstLine(outcome.text))
    await quiet(
      sink.storeTaskResult(taskId, outcome.ok ? 'completed' : 'failed', checkedResult(app, def.name, def.output, outcome, !outcome.ok)),
    )
  } finally {
    offStore()
  }
}

/** Resolves with the run once it is terminal or no longer watched; undefined when cancelled first. */
function untilEnd(app: McpApp, record: RunRecord, signal: AbortSignal, changed: (status: string) => void): Promise<RunRecord | undefined> {
  return new Promise((resolve) => {
    // The run may have ended, or been let go (unknown to the API), while the task was being set up:
    // what the monitor knows now, or no poll would ever come to end the task. (A record still marked
    // watched but off the schedule is a monitor shutting down: the next server resumes the task.)
    const now = app.monitor.store.get(record.id) ?? record
    if (!app.monitor.isWatched(now.id) && (isTerminal(now.status) || now.watched === false)) return resolve(now)
    let lastStatus = now.status
    const done = (r: RunRecord | undefined) => {
      offPoll()
      signal.removeEventListener('abort', onAbort)
      resolve(r)
    }
    const onAbort = () => done(undefined)
    const offPoll = app.monitor.onPoll((r) => {
      if (r.id !== record.id) return
      if (!r.watched) return done(r)
      if (r.status !== lastStatus && r.status) {
        lastStatus = r.status
        changed(r.status)
      }
    })
    if (signal.aborted) return done(undefined)
    signal.addEventListener('abort', onAbort, {once: true})
  })
}

/** Follows again the tasks a previous server left working (their results go to the store, for tasks/result). */
export function resumeTasks(app: McpApp): number {
  const unfinished = app.taskStore.unfinished()
  for (const {taskId, subject} of unfinished) {
    const def = app.taskTools.find((t) => t.name === subject.tool)
    if (!def) continue
    void followTask(app, def, taskId, app.taskStore, {runId: subject.runId})
  }
  return unfinished.length
}

/** A task tool called without a task: start the run, wait within the deadline, answer with what is known. */
export async function runPlain(
  app: McpApp,
  def: TaskToolDef,
  args: unknown,
  tc: ToolContext,
): Promise<ToolOutcome<unknown> & {ok: boolean}> {
  const record = await def.start(args as never, tc)
  if (isTerminal(record.status) && !app.monitor.isWatched(record.id)) return def.finish(record)
  // Leave a second for the answer itself: past the deadline the call would be reported as failed
  // although its run was started.
  const left = Math.min(PLAIN_WAIT_MS, tc.deadline - Date.now() - 1000)
  const waited = await tc.lifecycle.wait(record.id, {timeoutMs: left, signal: tc.signal})
  return waited.finished ? def.finish(waited.record) : {...def.pending(waited.record), ok: true}
}
