import {z} from 'zod'
import {CodegenError} from '../../api/errors.js'
import {MAX_ATTEMPTS, startAttempts, type GroupStart} from '../../services/attempts.js'
import * as S from '../shapes.js'
import {tool, START, type ToolContext} from './define.js'
import {newRunInput, newRunRequest, recoveredNote, startedOutput, startedText} from './inputs.js'

export const newTool = tool({
  name: 'codegenapi_new',
  description:
    'Start a Codegen agent run (an AI engineer that works on a repository and can open pull requests) and return at once with its id, status and web URL; the server then watches the run. Follow up with codegenapi_wait_for_agent_run, or subscribe to the run resource, then read the result with codegenapi_get_agent_run.',
  input: {
    ...newRunInput,
    attempts: S.intArg(1, MAX_ATTEMPTS, 'attempts')
      .optional()
      .describe(
        `Start the same task this many times as a group (default 1; at most ${MAX_ATTEMPTS}): each attempt is a paid run. Only when the user asked for several attempts.`,
      ),
  },
  output: {
    ...startedOutput,
    group: z
      .object({
        id: z.string(),
        runs: z.array(z.object({attempt: z.number().int(), id: z.number().int(), status: z.string(), web_url: z.string().optional()})),
      })
      .optional()
      .describe('With attempts: the group id and its runs by attempt (the fields above are attempt 1).'),
  },
  annotations: {title: 'Start an agent run', ...START},
  async run(args, tc) {
    if ((args.attempts ?? 1) > 1) return startGroup(args, args.attempts!, tc)
    const {created, record} = await tc.lifecycle.start(newRunRequest(args), {signal: tc.signal})
    const run = created.run
    const out = S.runOut(run, S.MAX_TEXT, {record})
    return {data: {...out, watching: record.watched}, text: startedText(out, 'Started') + recoveredNote(created)}
  },
})

async function startGroup(args: Parameters<typeof newRunRequest>[0], attempts: number, tc: ToolContext) {
  const group = await startAttempts(tc.lifecycle, newRunRequest(args), attempts, {signal: tc.signal})
  const created = group.outcomes.flatMap((o) => (o.created ? [{attempt: o.attempt, run: o.created.run}] : []))
  // Not every attempt was created: an error that names the runs that exist, so none is started again.
  if (created.length < attempts) throw groupFailure(group)
  const first = S.runOut(created[0].run, S.MAX_TEXT)
  const runs = created.map(({attempt, run}) => ({attempt, id: run.id, status: run.status ?? 'unknown', web_url: run.web_url ?? undefined}))
  const text = [
    `Started group ${group.groupId}: ${runs.map((r) => `attempt ${r.attempt} is agent run ${r.id}`).join(', ')}. The server watches them.`,
    `Wait for each with codegenapi_wait_for_agent_run, then compare them with codegenapi_get_agent_run.`,
  ].join('\n')
  return {data: {...first, watching: true, group: {id: group.groupId, runs}}, text}
}

function groupFailure(group: GroupStart): CodegenError {
  const lines = group.outcomes.map((o) => {
    if (o.created) return `attempt ${o.attempt}: created agent run ${o.created.run.id}`
    if (o.state === 'maybe_created') return `attempt ${o.attempt}: may have been created (metadata.client_request_id ${o.clientRequestId})`
    return `attempt ${o.attempt}: ${o.state === 'failed' ? `not created (${o.error?.message ?? 'failed'})` : 'not sent'}`
  })
  const first = group.error ?? new CodegenError('interrupted', 'Stopped.')
  const kind = group.outcomes.some((o) => o.state === 'created' || o.state === 'maybe_created') ? 'maybe_created' : first.kind
  return new CodegenError(
    kind,
    `Group ${group.groupId} stopped at the first attempt not created, and was not retried: ${lines.join('; ')}.`,
    {
      next: first.next,
    },
  )
}
