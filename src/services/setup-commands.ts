import type {Flight} from '../api/client.js'
import {CodegenError, isCodegenError} from '../api/errors.js'
import {generateSetupCommands} from '../api/rest.js'
import type {SetupCommandsResponse} from '../api/rest-schemas.js'
import type {AgentRun} from '../api/schemas.js'
import type {ServiceContext} from './context.js'
import {checkRepoName, resolveRepo, resolveRepoId} from './repos.js'
import {detachOnStop, type StartOptions} from './start-run.js'
import {checkText, NEW_RUN_LIMITS, parseApiId} from './validate.js'
import {usageError} from '../api/errors.js'

// `setup-commands generate` starts a setup-command agent on a repository: a paid agent run, under the
// same rules as `new` (start-run.ts): everything checked before sending, nothing sent once the caller
// stopped wanting it, never sent twice, an unknown outcome said as such.

export interface SetupCommandsRequest {
  repo?: string
  repoId?: number
  /** Extra instructions for the agent (optional). */
  prompt?: string
}

export interface SetupCommandsStarted {
  run: AgentRun
  repo: {id: number; full_name: string}
  response: SetupCommandsResponse
}

export async function startSetupCommands(
  ctx: ServiceContext,
  req: SetupCommandsRequest,
  opts: StartOptions<SetupCommandsStarted> = {},
): Promise<SetupCommandsStarted> {
  if ((req.repo === undefined) === (req.repoId === undefined)) {
    throw usageError('Which repository? Give its OWNER/NAME or its id (one of them).')
  }
  const repoName = req.repo !== undefined ? checkRepoName(checkText(req.repo, 'The repository name', NEW_RUN_LIMITS.repo)) : undefined
  const repoId = req.repoId !== undefined ? parseApiId(req.repoId, 'The repo id') : undefined
  const prompt = req.prompt !== undefined ? checkText(req.prompt, 'The prompt', NEW_RUN_LIMITS.prompt) : undefined
  const client = ctx.client()
  const orgId = ctx.orgId()
  // The repository is checked before the paid request, as `new` does.
  const repo = repoName !== undefined ? await resolveRepo(ctx, repoName) : await resolveRepoId(ctx, repoId!)
  const flight: Flight = {sending: false}
  // The API takes no metadata here, so a lost answer cannot be looked up by a tag as `new` does: it is said.
  const unknown = (message: string, detail?: string) =>
    new CodegenError('maybe_created', message, {detail, next: {kind: 'check_setup_commands'}})
  const outcome = (async (): Promise<SetupCommandsStarted> => {
    let response: SetupCommandsResponse
    try {
      response = await generateSetupCommands(
        client,
        orgId,
        {repo_id: repo.id, ...(prompt ? {prompt} : {})},
        {signal: opts.signal, cut: opts.cut, flight},
      )
    } catch (error) {
      if (isCodegenError(error) && error.kind === 'maybe_created') throw unknown(error.message, error.detail)
      throw error
    }
    const run: AgentRun = {
      id: response.agent_run_id,
      organization_id: orgId,
      status: response.status,
      web_url: response.url,
      source_type: 'SETUP_COMMANDS',
      metadata: {repo: repo.full_name},
    }
    return {run, repo, response}
  })()
  return detachOnStop(
    outcome,
    opts,
    () => flight.sending,
    () => unknown('Stopped waiting after the request to start the setup-command agent was sent: the agent run may have been created.'),
  )
}
