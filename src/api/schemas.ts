import {z} from 'zod'

// Response schemas follow ../shared/codegen-openapi.json. Nullable where the spec says null;
// `looseObject` keeps fields the spec does not know yet instead of rejecting them.
const nullableString = z.string().nullable().optional()

export const OrganizationSettingsSchema = z.looseObject({
  enable_pr_creation: z.boolean().optional(),
  enable_rules_detection: z.boolean().optional(),
})

export const OrganizationSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  settings: OrganizationSettingsSchema,
})

export const UserSchema = z.looseObject({
  id: z.number().int(),
  email: nullableString,
  github_user_id: z.string(),
  github_username: z.string(),
  avatar_url: nullableString,
  full_name: nullableString,
  role: nullableString,
  is_admin: z.boolean().nullable().optional(),
})

export const RepoSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  full_name: z.string(),
  description: z.string().nullable(),
  github_id: z.string(),
  organization_id: z.number().int(),
  visibility: z.string().nullable(),
  archived: z.boolean().nullable(),
  setup_status: z.string(),
  language: z.string().nullable(),
})

export const PullRequestSchema = z.looseObject({
  id: z.number().int(),
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
const sourceType = z.string().nullable().optional()
const metadata = z.record(z.string(), z.unknown()).nullable().optional()

export const AgentRunSchema = z.looseObject({
  id: z.number().int(),
  organization_id: z.number().int(),
  status: nullableString,
  created_at: nullableString,
  web_url: nullableString,
  result: nullableString,
  summary: nullableString,
  source_type: sourceType,
  github_pull_requests: z.array(PullRequestSchema).nullable().optional(),
  metadata,
})

export const AgentRunLogSchema = z.looseObject({
  agent_run_id: z.number().int(),
  created_at: nullableString,
  tool_name: nullableString,
  message_type: nullableString,
  thought: nullableString,
  observation: z.union([z.record(z.string(), z.unknown()), z.string()]).nullable().optional(),
  tool_input: z.record(z.string(), z.unknown()).nullable().optional(),
  tool_output: z.record(z.string(), z.unknown()).nullable().optional(),
})

export const AgentRunWithLogsSchema = z.looseObject({
  id: z.number().int(),
  organization_id: z.number().int(),
  status: nullableString,
  created_at: nullableString,
  web_url: nullableString,
  result: nullableString,
  metadata,
  logs: z.array(AgentRunLogSchema),
  total_logs: z.number().int().nullable().optional(),
  page: z.number().int().nullable().optional(),
  size: z.number().int().nullable().optional(),
  pages: z.number().int().nullable().optional(),
})

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    size: z.number().int(),
    pages: z.number().int(),
  })
}

export const UserPageSchema = pageSchema(UserSchema)
export const RepoPageSchema = pageSchema(RepoSchema)
export const OrganizationPageSchema = pageSchema(OrganizationSchema)
export const AgentRunPageSchema = pageSchema(AgentRunSchema)

// Error bodies: `{message, status_code}` from Codegen, or FastAPI's `{detail}` (a string or a list).
export const ValidationIssueSchema = z.looseObject({
  loc: z.array(z.union([z.string(), z.number()])).optional(),
  msg: z.string().optional(),
  type: z.string().optional(),
})
export const ErrorBodySchema = z.looseObject({
  message: z.string().optional(),
  status_code: z.number().optional(),
  detail: z.union([z.string(), z.array(ValidationIssueSchema), z.record(z.string(), z.unknown())]).optional(),
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
