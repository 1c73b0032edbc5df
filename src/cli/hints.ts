import type {CodegenError, NextStep} from '../api/errors.js'

// A service error's next step in the CLI's words: commands and flags a person can type.

export function nextStepText(next: NextStep): string {
  switch (next.kind) {
    case 'wait_for_run':
      return `Wait for it to finish (\`codegenapi get ${next.runId} --wait\`), then resume it.`
    case 'start_new':
      return 'Start a new run with `codegenapi new`.'
    case 'check_created':
      return `Check before trying again: \`codegenapi list --mine --limit 5 --json id,status,metadata\`; the run, if it exists, has metadata.client_request_id ${next.clientRequestId}.`
    case 'check_setup_commands':
      return 'Check before trying again: `codegenapi list --source-type SETUP_COMMANDS --limit 5`; a run started just now may be this one.'
    case 'check_resumed':
      return `Check before resuming again: \`codegenapi get ${next.runId}\` (ACTIVE means the resume went through).`
    case 'login':
      return 'Set a valid token: `codegenapi login`, or `codegenapi config set api-token` (reads it from stdin), or CODEGEN_API_TOKEN.'
    case 'fix_token':
      return 'The API token holds a character that cannot be sent in an HTTP header: set it again with `codegenapi login` or CODEGEN_API_TOKEN.'
    case 'check_org':
      return 'Check the organization id (`codegenapi orgs` lists yours) and that the token has access to it.'
    case 'check_network':
      return 'Check your network and the base URL (`codegenapi config get base-url`).'
    case 'raise_timeout':
      return 'Try again later, or raise the timeout with CODEGEN_API_TIMEOUT (seconds).'
    case 'debug':
      return 'Run again with --debug to see what differs.'
    case 'list_repos':
      return 'See the repositories with `codegenapi repos`.'
    case 'choose_task':
      return `Use one of ${next.templates.join(', ')}; for a label of your own, use --task-label TEXT.`
  }
}

/** The hint line of an error: its next step in CLI words, then any neutral advice. */
export function cliHint(error: CodegenError): string | undefined {
  const parts = [error.next ? nextStepText(error.next) : undefined, error.hint].filter(Boolean)
  return parts.length ? parts.join(' ') : undefined
}
