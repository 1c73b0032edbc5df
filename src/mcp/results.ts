// Tool results as MCP sends them, SDK-free. The first text block is the serialized structuredContent
// (spec 2025-11-25: hosts that read only `content` get all of it); the tool's short note for the model
// (what the result means, what to call next) follows as a second block.
import {z} from 'zod'
import type {ToolOutcome} from './tools/define.js'

export interface ToolResult {
  [key: string]: unknown
  content: {type: 'text'; text: string}[]
  structuredContent?: Record<string, unknown>
  isError?: boolean
}

export interface ResultShaper {
  errorText(error: unknown): string
  redact<T>(value: T): T
}

export function errorResult(app: ResultShaper, error: unknown): ToolResult {
  const text = typeof error === 'string' ? error : app.errorText(error)
  return app.redact({content: [{type: 'text', text}], isError: true})
}

export function outcomeResult(app: ResultShaper, outcome: ToolOutcome<unknown>, isError = false): ToolResult {
  const data = outcome.data as Record<string, unknown>
  const content: ToolResult['content'] = [{type: 'text', text: JSON.stringify(data)}]
  if (outcome.text) content.push({type: 'text', text: outcome.text})
  return app.redact({content, structuredContent: data, ...(isError ? {isError: true} : {})})
}

/**
 * The result, checked against the tool's output schema first: a client validates structuredContent and
 * would otherwise refuse the whole answer. A mismatch is a bug here; the model still gets the data.
 */
export function checkedResult(
  app: ResultShaper,
  name: string,
  output: z.ZodRawShape,
  outcome: ToolOutcome<unknown>,
  isError = false,
): ToolResult {
  const checked = z.object(output).safeParse(outcome.data)
  if (checked.success) return outcomeResult(app, outcome, isError)
  return app.redact({
    content: [
      {type: 'text', text: JSON.stringify(outcome.data)},
      {
        type: 'text',
        text: `${outcome.text}\n(Internal error: this ${name} result does not match its output schema: ${describeIssues(checked.error)}.)`,
      },
    ],
    isError: true,
  })
}

export interface Issue {
  path: PropertyKey[]
  message: string
}

/** A Zod error as one line a person (or a model) can read: `field: problem; other: problem`. */
export function describeIssues(error: {issues: Issue[]}, prefix: PropertyKey[] = []): string {
  const lines = error.issues.slice(0, 5).map((i) => {
    const where = i.path.slice(prefix.length).map(String).join('.')
    return where ? `${where}: ${i.message}` : i.message
  })
  const more = error.issues.length - lines.length
  return lines.join('; ') + (more > 0 ? ` (and ${more} more)` : '')
}
