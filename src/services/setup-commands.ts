import {CodegenError, isCodegenError, usageError} from '../api/errors.js'
import {generateSetupCommands} from '../api/rest.js'
import type {SetupCommandsResponse} from '../api/rest-schemas.js'
import type {AgentRun} from '../api/schemas.js'
import type {ServiceContext} from './context.js'
import {resolveRepo} from './repos.js'
import {MAX_PROMPT_CHARS} from './tasks.js'

// `setup-commands generate` starts a setup-command agent on a repository: a paid agent run, under the
// same rules as `new` (everything checked before sending, never sent twice, an unknown outcome said).

export interface SetupCommandsRequest {
  repo?: string
  repoId?: number
  /** Extra instructions for the agent (optional). */
  prompt?: string
}

export interface SetupCommandsStarted {
  run: AgentRun
  repo: {id: number; full_name: string | null}
  response: SetupCommandsResponse
}

export async function startSetupCommands(
  ctx: ServiceContext,
  req: SetupCommandsRequest,
  signal?: AbortSignal,
): Promise<SetupCommandsStarted> {
  if ((req.repo === undefined) === (req.repoId === undefined)) {
    throw usageError('Which repository? Give its OWNER/NAME or its id (one of them).')
  }
  if (req.prompt !== undefined && !req.prompt.trim()) throw usageError('The prompt is empty.')
  if (req.prompt !== undefined && req.prompt.length > MAX_PROMPT_CHARS) {
    throw usageError(`The prompt is ${req.prompt.length} characters long; the limit is ${MAX_PROMPT_CHARS}.`)
  }
  const client = ctx.client()
  const orgId = ctx.orgId()
  const repo = req.repo === undefined ? {id: req.repoId!, full_name: null} : await resolveRepo(ctx, req.repo)
  let response: SetupCommandsResponse
  try {
    response = await generateSetupCommands(client, orgId, {repo_id: repo.id, ...(req.prompt ? {prompt: req.prompt} : {})}, signal)
  } catch (error) {
    // The client's words about an unknown outcome stand; the place to look is the setup-command runs.
    if (isCodegenError(error) && error.kind === 'maybe_created') {
      throw new CodegenError('maybe_created', error.message, {
        endpoint: error.endpoint,
        hint: 'Check the newest SETUP_COMMANDS runs before trying again (codegenapi list --source-type SETUP_COMMANDS --limit 5).',
      })
    }
    throw error
  }
  const run: AgentRun = {
    id: response.agent_run_id,
    organization_id: orgId,
    status: response.status,
    web_url: response.url,
    source_type: 'SETUP_COMMANDS',
    metadata: repo.full_name ? {repo: repo.full_name} : null,
  }
  return {run, repo, response}
}
