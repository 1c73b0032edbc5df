import type {CodegenError, NextStep} from '../api/errors.js'

// A service error's next step in MCP words: tools and their arguments only, never CLI commands or flags.

export function nextStepText(next: NextStep): string {
  switch (next.kind) {
    case 'wait_for_run':
      return `Wait for it with codegenapi_wait_for_agent_run (agent_run_id ${next.runId}), then resume it.`
    case 'start_new':
      return 'Start a new run with codegenapi_new.'
    case 'check_created':
      return `Do not start it again yet: call codegenapi_list (newest first) and look for a run created just now; the run, if it exists, has metadata.client_request_id ${next.clientRequestId}.`
    case 'check_setup_commands':
      return 'Do not start it again yet: call codegenapi_list with source_type SETUP_COMMANDS and look for a run started just now.'
    case 'check_resumed':
      return `Do not resume it again yet: call codegenapi_get_agent_run with agent_run_id ${next.runId} (ACTIVE means the resume went through).`
    case 'login':
    case 'fix_token':
      return "The API token is wrong or unusable: the user sets it outside the assistant (`codegenapi login` in a terminal, or CODEGEN_API_TOKEN in the server's environment)."
    case 'check_org':
      return 'The token has no access to this organization: codegenapi_get_organizations lists the ones it has.'
    case 'check_network':
      return 'The server cannot reach the Codegen API: try again later.'
    case 'raise_timeout':
      return 'Try again later.'
    case 'debug':
      return 'The API answered in an unexpected form: try again later.'
    case 'list_repos':
      return 'Find it with codegenapi_list_repos (search by name), or ask the user for the repository as OWNER/NAME; leave repo out to use the organization default.'
    case 'choose_task':
      return `Use task with one of ${next.templates.join(', ')}; for a label of your own, use task_label.`
  }
}

/** The hint of an error in a tool result: its next step for a model, then any neutral advice. */
export function mcpHint(error: CodegenError): string | undefined {
  const parts = [error.next ? nextStepText(error.next) : undefined, error.hint].filter(Boolean)
  return parts.length ? parts.join(' ') : undefined
}
