import type {CheckSuiteResult, CheckSuiteUpdateResult} from '../services/check-suite.js'
import type {IntegrationsResult} from '../services/integrations.js'
import type {PrAgentsResult} from '../services/pr-agents.js'
import type {SetPrStateResult} from '../services/prs.js'

// The JSON fields of the rest of the API's commands (`--json FIELDS`, their --help, the unknown-field
// check), as json-fields.ts has them for the others. The compiler checks each name against the type.
const fields = <T>(...names: (keyof T & string)[]): readonly string[] => names

export const PR_AGENTS_FIELDS = fields<PrAgentsResult>('agent_run_id', 'action', 'message', 'response')
export const PR_STATE_FIELDS = fields<SetPrStateResult>(
  'pr_id',
  'repo_id',
  'requested_state',
  'success',
  'state',
  'number',
  'title',
  'url',
  'error',
)
export const CHECK_SUITE_FIELDS = fields<CheckSuiteResult>('repo', 'settings')
export const CHECK_SUITE_SET_FIELDS = fields<CheckSuiteUpdateResult>('repo', 'settings', 'changed', 'response')
export const INTEGRATIONS_FIELDS = fields<IntegrationsResult>(
  'organization_id',
  'organization_name',
  'integrations',
  'total_active_integrations',
  'oauth',
)
