import {usageError} from '../api/errors.js'

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

export const MAX_PROMPT_CHARS = 100_000

/**
 * Task names are upper-case labels. `create plan` or `create-plan` is normalised to CREATE_PLAN;
 * anything that is not letters, digits, spaces, `-` or `_` is refused.
 */
export function normaliseTask(input: string): string {
  const task = input
    .trim()
    .replace(/[\s-]+/g, '_')
    .toUpperCase()
  if (!/^[A-Z][A-Z0-9_]{0,39}$/.test(task)) {
    throw usageError(`Invalid task ${JSON.stringify(input)}: use an upper-case label such as ${Object.keys(TASK_TEMPLATES).join(', ')}.`)
  }
  return task
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
  if (!text) throw usageError('The prompt is empty.', 'Give it with --query TEXT, --query - (stdin), or --prompt-file FILE.')
  const header = [
    task && `Task: ${task}`,
    repo && `Repository: ${repo}`,
    branch && `Branch: ${branch}`,
    pr !== undefined && `Pull request: #${pr}`,
  ].filter(Boolean)
  if (!task && header.length <= 1) {
    // Only a repo (already sent as repo_id): the query is the whole prompt.
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
