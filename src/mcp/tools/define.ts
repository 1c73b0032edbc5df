import {z} from 'zod'
import type {ServiceContext} from '../../services/context.js'
import type {RunLifecycle} from '../../services/lifecycle.js'
import type {RunMonitor} from '../../services/monitor.js'
import type {RunRecord} from '../../services/state.js'

// The tools: one small definition each (name, description, input and output shapes, annotations)
// over a service call. No SDK here: src/mcp/sdk.ts registers them.

/** What a tool handler gets besides its arguments. */
export interface ToolContext {
  /** A service context with the configuration as it is now (a token set meanwhile is used). */
  context(): Promise<ServiceContext>
  monitor: RunMonitor
  /** Every run step (start, resume, get, wait, watch) goes through the lifecycle the CLI uses too. */
  lifecycle: RunLifecycle
  /** Aborted when the client cancels the call or its deadline passes. */
  signal: AbortSignal
  /** When the answer is due (ms since epoch): hosts drop calls that take too long. */
  deadline: number
  /** notifications/progress, when the client asked for them (a no-op otherwise). */
  progress(progress: number, total: number | undefined, message: string): void
  env: NodeJS.ProcessEnv
  /** The server's working directory: its project. */
  cwd: string
}

export interface ToolAnnotations {
  title: string
  readOnlyHint: boolean
  destructiveHint?: boolean
  idempotentHint?: boolean
  openWorldHint: boolean
}

export interface ToolOutcome<T> {
  data: T
  /** A short note for the model (what it means, what to call next), sent after the JSON of `data`. */
  text: string
}

export type Infer<S extends z.ZodRawShape> = z.output<z.ZodObject<S>>

export interface ToolDef<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  name: string
  description: string
  input: I
  output: O
  annotations: ToolAnnotations
  run(args: Infer<I>, tc: ToolContext): Promise<ToolOutcome<Infer<O>>>
}

/**
 * A tool that can run as an MCP task (execution.taskSupport "optional"): `start` begins the work and
 * returns the run to follow; the task completes with `finish` once the monitor sees the run end. Called
 * without a task (clients that have no task support), the call waits for the run as long as a tool call
 * may take, then answers with `finish`, or with `pending` if the run is still working.
 */
export interface TaskToolDef<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  name: string
  description: string
  input: I
  output: O
  annotations: ToolAnnotations
  start(args: Infer<I>, tc: ToolContext): Promise<RunRecord>
  finish(record: RunRecord): ToolOutcome<Infer<O>> & {ok: boolean}
  pending(record: RunRecord): ToolOutcome<Infer<O>>
}

export const tool = <I extends z.ZodRawShape, O extends z.ZodRawShape>(def: ToolDef<I, O>): ToolDef => def
export const taskTool = <I extends z.ZodRawShape, O extends z.ZodRawShape>(def: TaskToolDef<I, O>): TaskToolDef => def

export const READ = {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true}
export const START = {readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true}
