// zod/mini: the same schemas and types at a fraction of the load time of classic zod, which matters
// for a CLI that starts on every call.
import * as z from 'zod/mini'

// Response schemas follow ../shared/codegen-openapi.json. Nullable where the spec says null;
// `looseObject` keeps fields the spec does not know yet instead of rejecting them.
const nullableString = z.optional(z.nullable(z.string()))

export const OrganizationSettingsSchema = z.looseObject({
  enable_pr_creation: z.optional(z.boolean()),
  enable_rules_detection: z.optional(z.boolean()),
})

export const OrganizationSchema = z.looseObject({
  id: z.int(),
  name: z.string(),
  settings: OrganizationSettingsSchema,
})

export const UserSchema = z.looseObject({
  id: z.int(),
  email: nullableString,
  github_user_id: z.string(),
  github_username: z.string(),
  avatar_url: nullableString,
  full_name: nullableString,
  role: nullableString,
  is_admin: z.optional(z.nullable(z.boolean())),
})

export const RepoSchema = z.looseObject({
  id: z.int(),
  name: z.string(),
  full_name: z.string(),
  description: z.nullable(z.string()),
  github_id: z.string(),
  organization_id: z.int(),
  visibility: z.nullable(z.string()),
  archived: z.nullable(z.boolean()),
  setup_status: z.string(),
  language: z.nullable(z.string()),
})

export const PullRequestSchema = z.looseObject({
  id: z.int(),
  title: nullableString,
  url: nullableString,
  created_at: z.string(),
  head_branch_name: nullableString,
})

export const SOURCE_TYPES = [
  'LOCAL', 'SLACK', 'GITHUB', 'GITHUB_CHECK_SUITE', 'GITHUB_PR_REVIEW', 'LINEAR', 'API', 'CHAT', 'JIRA',
  'CLICKUP', 'MONDAY', 'SETUP_COMMANDS',
] as const

// The enum may grow: accept any string rather than fail a whole listing on a new source type.
const sourceType = z.optional(z.nullable(z.string()))
const metadata = z.optional(z.nullable(z.record(z.string(), z.unknown())))

export const AgentRunSchema = z.looseObject({
  id: z.int(),
  organization_id: z.int(),
  status: nullableString,
  created_at: nullableString,
  web_url: nullableString,
  result: nullableString,
  summary: nullableString,
  source_type: sourceType,
  github_pull_requests: z.optional(z.nullable(z.array(PullRequestSchema))),
  metadata,
})

export const AgentRunLogSchema = z.looseObject({
  agent_run_id: z.int(),
  created_at: nullableString,
  tool_name: nullableString,
  message_type: nullableString,
  thought: nullableString,
  observation: z.optional(z.nullable(z.union([z.record(z.string(), z.unknown()), z.string()]))),
  tool_input: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  tool_output: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
})

export const AgentRunWithLogsSchema = z.looseObject({
  id: z.int(),
  organization_id: z.int(),
  status: nullableString,
  created_at: nullableString,
  web_url: nullableString,
  result: nullableString,
  metadata,
  logs: z.array(AgentRunLogSchema),
  total_logs: z.optional(z.nullable(z.int())),
  page: z.optional(z.nullable(z.int())),
  size: z.optional(z.nullable(z.int())),
  pages: z.optional(z.nullable(z.int())),
})

export function pageSchema<T extends z.ZodMiniType>(item: T) {
  return z.looseObject({
    items: z.array(item),
    total: z.int(),
    page: z.int(),
    size: z.int(),
    pages: z.int(),
  })
}

export const UserPageSchema = pageSchema(UserSchema)
export const RepoPageSchema = pageSchema(RepoSchema)
export const OrganizationPageSchema = pageSchema(OrganizationSchema)
export const AgentRunPageSchema = pageSchema(AgentRunSchema)

// Error bodies: `{message, status_code}` from Codegen, or FastAPI's `{detail}` (a string or a list).
export const ValidationIssueSchema = z.looseObject({
  loc: z.optional(z.array(z.union([z.string(), z.number()]))),
  msg: z.optional(z.string()),
  type: z.optional(z.string()),
})
export const ErrorBodySchema = z.looseObject({
  message: z.optional(z.string()),
  status_code: z.optional(z.number()),
  detail: z.optional(z.union([z.string(), z.array(ValidationIssueSchema), z.record(z.string(), z.unknown())])),
})

export type Organization = z.infer<typeof OrganizationSchema>
export type User = z.infer<typeof UserSchema>
export type Repo = z.infer<typeof RepoSchema>
export type PullRequest = z.infer<typeof PullRequestSchema>
export type AgentRun = z.infer<typeof AgentRunSchema>
export type AgentRunLog = z.infer<typeof AgentRunLogSchema>
export type AgentRunWithLogs = z.infer<typeof AgentRunWithLogsSchema>
export type Page<T> = {items: T[]; total: number; page: number; size: number; pages: number}
export type ErrorBody = z.infer<typeof ErrorBodySchema>

// Request bodies (what we send), typed from the spec's CreateAgentRunInput / ResumeAgentRunInput.
export type CreateAgentRunInput = {
  prompt: string
  repo_id?: number | null
  images?: string[] | null
  metadata?: Record<string, unknown> | null
  model?: string | null
  agent_type?: 'codegen' | 'claude_code' | null
}
export type ResumeAgentRunInput = {agent_run_id: number; prompt: string; images?: string[] | null}
