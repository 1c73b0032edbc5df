// Inputs and texts that several run tools share.
import {z} from 'zod'
import {AGENT_TYPES, RESERVED_METADATA_KEYS, type CreatedRun, type NewRunRequest} from '../../services/runs.js'
import {TASK_NAMES} from '../../services/tasks.js'
import {NEW_RUN_LIMITS as L} from '../../services/validate.js'
import * as S from '../shapes.js'
import type {Infer} from './define.js'

// --- shared inputs -------------------------------------------------------------------------------

export const agentRunId = S.idArg('agent_run_id', 'Agent run id (an integer, e.g. 11745).')

export const images = z
  .array(z.string().max(14_000_000))
  .max(5)
  .optional()
  .describe('Images for the agent, as base64 data URIs (data:image/png;base64,...): PNG, JPEG, GIF or WebP, 10 MB each at most.')

export const task = z
  .string()
  .max(L.taskLabel)
  .optional()
  .describe(`A task template that adds its instructions to the prompt: ${TASK_NAMES.join(', ')}. Anything else is refused: use task_label.`)

export const taskLabel = z
  .string()
  .max(L.taskLabel)
  .optional()
  .describe('A task label of your own (letters, digits, spaces, - or _), instead of a template; not both.')

export const query = (what: string) => z.string().min(1).max(L.prompt).describe(what)

export const newRunInput = {
  query: query(`What the agent should do: the prompt, in plain language (at most ${L.prompt} characters with the task header).`),
  repo: z
    .string()
    .max(L.repo)
    .optional()
    .describe(
      'Repository as OWNER/NAME; resolved to its id (close matches are suggested when unknown). Leave out to use the organization default.',
    ),
  repo_id: S.intArg(1, S.MAX_ID, 'repo_id').optional().describe('Repository id, instead of repo.'),
  task,
  task_label: taskLabel,
  branch: z.string().max(L.branch).optional().describe('Branch the agent should work on (told to the agent in the prompt).'),
  pr: S.intArg(1, S.MAX_ID, 'pr').optional().describe('Pull request number the run is about (told to the agent in the prompt).'),
  model: z.string().max(L.model).optional().describe('Model to use, when not the organization default.'),
  agent_type: z.enum(AGENT_TYPES).optional().describe('Agent implementation: codegen (default) or claude_code.'),
  metadata: z
    .record(z.string().max(L.metadataKey), z.string().max(L.metadataValue))
    .optional()
    .describe(
      `Extra key/value strings stored with the run, nothing more. Reserved keys are refused: ${RESERVED_METADATA_KEYS.join(', ')}.`,
    ),
  images,
  parent_run_id: S.intArg(1, S.MAX_ID, 'parent_run_id')
    .optional()
    .describe(
      'A parent agent run (it must exist): when this run finishes, the parent is resumed with a short report (default: CODEGEN_PARENT_RUN_ID).',
    ),
}

export function newRunRequest(args: Infer<typeof newRunInput>): NewRunRequest {
  return {
    query: args.query,
    repo: args.repo,
    repoId: args.repo_id,
    task: args.task,
    taskLabel: args.task_label,
    branch: args.branch,
    pr: args.pr,
    model: args.model,
    agentType: args.agent_type,
    metadata: args.metadata,
    images: args.images,
    parentRunId: args.parent_run_id,
  }
}

export const startedOutput = {...S.RunOut.shape, watching: z.boolean().describe('True while the server watches the run for you.')}

/** The note for a run found by its client request id after the answer to its create was lost. */
export function recoveredNote(created: CreatedRun): string {
  return created.recoveredFrom
    ? `\nThe answer to the create was lost; the run was found by its client request id: created: ${created.run.id}.`
    : ''
}

export function startedText(run: S.RunOutT, verb: string): string {
  if (run.finished) return S.runText(run, `${verb} agent run ${run.id}; it is already ${run.status}.`)
  return [
    `${verb} agent run ${run.id} (${run.status})${run.web_url ? `: ${run.web_url}` : ''}.`,
    `The server watches it. Call codegenapi_wait_for_agent_run with agent_run_id ${run.id} to wait (up to 45 s a call), or subscribe to ${run.resource_uri}; then read the result with codegenapi_get_agent_run.`,
  ].join('\n')
}

// --- the tools -----------------------------------------------------------------------------------
