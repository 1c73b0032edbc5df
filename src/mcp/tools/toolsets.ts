// The toolsets (names only, no tool imports: \`mcp serve --help\` reads them without loading the tools).
import {REST_TOOLSETS} from './rest-toolsets.js'

/**
 * Toolsets, as github-mcp-server has them: a host passes every tool's name, description and schema to
 * the model, so the default set stays small (under 3,000 tokens, checked by the snapshot test) and the
 * tools for rarer jobs are opt-in (`--toolsets all`, or `--toolsets runs,admin`).
 */
export const TOOLSETS = {
  context: {description: 'who the token belongs to', tools: ['codegenapi_get_current_user']},
  runs: {
    description: 'start, follow, resume and list agent runs',
    tools: [
      'codegenapi_new',
      'codegenapi_run',
      'codegenapi_get_agent_run',
      'codegenapi_wait_for_agent_run',
      'codegenapi_resume',
      'codegenapi_list',
    ],
  },
  repos: {description: 'find repositories', tools: ['codegenapi_list_repos']},
  logs: {description: "read an agent run's step-by-step log", tools: ['codegenapi_get_agent_run_logs']},
  users: {description: 'users and organizations', tools: ['codegenapi_get_users', 'codegenapi_get_user', 'codegenapi_get_organizations']},
  watch: {description: 'the runs this server watches', tools: ['codegenapi_watch']},
  admin: {description: "codegenapi's configuration", tools: ['codegenapi_config']},
  ...REST_TOOLSETS,
} as const satisfies Record<string, {description: string; tools: string[]}>

export type ToolsetName = keyof typeof TOOLSETS
export const TOOLSET_NAMES = Object.keys(TOOLSETS) as ToolsetName[]
export const DEFAULT_TOOLSETS: ToolsetName[] = ['context', 'runs', 'repos', 'logs']

export const TOOLSET_HELP = TOOLSET_NAMES.map((n) => `${n} (${TOOLSETS[n].description})`).join(', ')
