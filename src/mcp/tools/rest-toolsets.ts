// The opt-in toolsets of the rest of the API (names only, no imports, as toolsets are read without
// loading the tools). None is on by default: these are rarer jobs.
export const REST_TOOLSETS = {
  pull_requests: {
    description: "stop or unblock the agents on a run's pull request; open, close or mark ready a PR",
    tools: ['codegenapi_stop', 'codegenapi_unban', 'codegenapi_remove_from_pr', 'codegenapi_set_pr_state'],
  },
  repo_setup: {
    description: "a repository's check-suite settings, and an agent that writes its setup commands",
    tools: ['codegenapi_get_check_suite_settings', 'codegenapi_set_check_suite_settings', 'codegenapi_generate_setup_commands'],
  },
  integrations: {description: "the organization's integrations and your OAuth connections", tools: ['codegenapi_get_integrations']},
} as const satisfies Record<string, {description: string; tools: string[]}>
