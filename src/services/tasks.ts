import {CodegenError, usageError} from '../api/errors.js'
import {NEW_RUN_LIMITS} from './validate.js'

// Task templates: data, not code. A task adds a short header and an instruction before the query.
export const TASK_TEMPLATES: Record<string, string> = {
  CREATE_PLAN: 'Create a step-by-step implementation plan. Do not change code yet; list the files involved, risks and open questions.',
  ANALYZE: 'Analyze the code and explain how it works, what is wrong or risky, and what you recommend.',
  IMPLEMENT: 'Implement the change below, with tests, and open a pull request.',
  FIX: 'Find the root cause of the problem below, fix it with a regression test, and open a pull request.',
  REVIEW: 'Review the code or pull request below: correctness, security, tests and readability. Leave concrete, actionable comments.',
  TEST: 'Write or improve tests for the code below, covering edge cases, and open a pull request.',
  DOCUMENT: 'Write or improve documentation for the code below, with examples, and open a pull request.',
}

export const MAX_PROMPT_CHARS = NEW_RUN_LIMITS.prompt
export const TASK_NAMES = Object.keys(TASK_TEMPLATES)

/** `create plan` or `create-plan` -> CREATE_PLAN; undefined when it is not a well-formed label. */
function labelOf(input: string): string | undefined {
  const label = input
    .trim()
    .replace(/[\s-]+/g, '_')
    .toUpperCase()
  return /^[A-Z][A-Z0-9_]{0,39}$/.test(label) ? label : undefined
}

/**
 * A task names one of the templates: a typo must not become a label of its own in a paid run, so
 * anything else is refused with the list (a free label goes through `taskLabel`).
 */
export function normaliseTask(input: string): string {
  if (!input.trim()) throw usageError('The task is empty.')
  const task = labelOf(input)
  if (task && task in TASK_TEMPLATES) return task
  throw new CodegenError('usage', `Unknown task ${JSON.stringify(input)}.`, {next: {kind: 'choose_task', templates: TASK_NAMES}})
}

/** A task label of the user's own: letters, digits, spaces, `-` or `_`, up to 40 characters. */
export function normaliseTaskLabel(input: string): string {
  if (!input.trim()) throw usageError('The task label is empty.')
  const label = labelOf(input)
  if (!label) throw usageError(`Invalid task label ${JSON.stringify(input)}: use letters, digits, spaces, - or _ (up to 40 characters).`)
  return label
}

/** The task of a request: a template (`task`) or a label of the user's own (`taskLabel`), not both. */
export function resolveTask(req: {task?: string; taskLabel?: string}): string | undefined {
  if (req.task !== undefined && req.taskLabel !== undefined) throw usageError('Give either a task or a task label, not both.')
  if (req.task !== undefined) return normaliseTask(req.task)
  if (req.taskLabel !== undefined) return normaliseTaskLabel(req.taskLabel)
  return undefined
}

export interface PromptParts {
  query: string
  task?: string
  repo?: string
  branch?: string
  pr?: number
}

export function renderPrompt({query, task, repo, branch, pr}: PromptParts): string {
  const text = query.trim()
  if (!text) throw usageError('The prompt is empty.')
  const header = [
    task && `Task: ${task}`,
    repo && `Repository: ${repo}`,
    branch && `Branch: ${branch}`,
    pr !== undefined && `Pull request: #${pr}`,
  ].filter(Boolean)
  if (!task && !branch && pr === undefined) {
    // At most a repo (sent as repo_id too): the query is the whole prompt. A branch or PR is only
    // known to the agent through the prompt, so either one brings the header.
    return checkSize(text)
  }
  const instruction = task
    ? (TASK_TEMPLATES[task] ?? `Carry out the ${task.toLowerCase().replace(/_/g, ' ')} task described below.`)
    : undefined
  return checkSize([header.join('\n'), instruction, text].filter(Boolean).join('\n\n'))
}

function checkSize(prompt: string): string {
  if (prompt.length > MAX_PROMPT_CHARS) {
    throw usageError(
      `The prompt is ${prompt.length} characters; the limit is ${MAX_PROMPT_CHARS}.`,
      'Shorten it, or put the detail in the repository and point to it.',
    )
  }
  return prompt
}
