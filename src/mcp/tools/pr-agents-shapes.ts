// What stop, remove_from_pr and unban share: their output and its text. Not a tool.
import {z} from 'zod'
import type {PrAgentsAction} from '../../api/rest.js'
import {doneText, type PrAgentsResult} from '../../services/pr-agents.js'
import * as S from '../shapes.js'

export const prAgentsOutput = {
  agent_run_id: z.number().int().min(1).max(S.MAX_ID),
  action: z.enum(['ban', 'unban', 'remove-from-pr']).describe("The API's operation."),
  done: z.string().describe('What was done.'),
  message: z.string().optional().describe("The API's own words, when it gave some."),
}

export function prAgentsOutcome(action: PrAgentsAction, result: PrAgentsResult) {
  const done = doneText(action, result.agent_run_id)
  const data = {
    agent_run_id: result.agent_run_id,
    action,
    done,
    ...(result.message ? {message: result.message.slice(0, S.MAX_LIST_TEXT)} : {}),
  }
  return {data, text: data.message ? `${done}\n${data.message}` : done}
}

/** Writes that act on a whole pull request: not additive, the same outcome when repeated. */
export const PR_WRITE = {readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true}
