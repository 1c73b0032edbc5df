// zod/mini: the same schemas and types at a fraction of the load time of classic zod, which matters
// for a CLI that starts on every call.
import * as z from 'zod/mini'

// Response schemas follow contract/codegen-openapi.json. Nullable where the spec says null;
// `looseObject` keeps fields the spec does not know yet instead of rejecting them.
//
// Each schema is built on first use: a command parses one or two kinds of response, and building all
// of them (some eighty zod objects) cost ~3 ms of every start-up. Shared parts are built once too.
export function built<T>(build: () => T): () => T {
  let schema: T | undefined
  return () => (schema ??= build())
}

const nullableString = built(() => z.optional(z.nullable(z.string())))

export const OrganizationSettingsSchema = built(() =>
  z.looseObject({
    enable_pr_creation: z.optional(z.boolean()),
    enable_rules_detection: z.optional(z.boolean()),
  }),
)

export const OrganizationSchema = built(() =>
  z.looseObject({
    id: z.int(),
    name: z.string(),
    settings: OrganizationSettingsSchema(),
  }),
)

export const UserSchema = built(() =>
  z.looseObject({
    id: z.int(),
    email: nullableString(),
    github_user_id: z.string(),
    github_username: z.string(),
    avatar_url: nullableString(),
    full_name: nullableString(),
    role: nullableString(),
    is_admin: z.optional(z.nullable(z.boolean())),
  }),
)

export const RepoSchema = built(() =>
  z.looseObject({
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
  }),
)

export const PullRequestSchema = built(() =>
  z.looseObject({
    id: z.int(),
    title: nullableString(),
    url: nullableString(),
    created_at: z.string(),
    head_branch_name: nullableString(),
  }),
)

export const SOURCE_TYPES = [
  'LOCAL',
  'SLACK',
  'GITHUB',
  'GITHUB_CHECK_SUITE',
  'GITHUB_PR_REVIEW',
  'LINEAR',
  'API',
  'CHAT',
  'JIRA',
  'CLICKUP',
  'MONDAY',
  'SETUP_COMMANDS',
] as const

const metadata = built(() => z.optional(z.nullable(z.record(z.string(), z.unknown()))))

// The fields AgentRunResponse and AgentRunWithLogsResponse share.
const runFields = () => ({
  id: z.int(),
  organization_id: z.int(),
  status: nullableString(),
  created_at: nullableString(),
  web_url: nullableString(),
  result: nullableString(),
})

export const AgentRunSchema = built(() =>
  z.looseObject({
    ...runFields(),
    summary: nullableString(),
    // The enum may grow: any string, rather than fail a whole listing on a new source type.
    source_type: nullableString(),
    github_pull_requests: z.optional(z.nullable(z.array(PullRequestSchema()))),
    metadata: metadata(),
  }),
)

export const AgentRunLogSchema = built(() =>
  z.looseObject({
    agent_run_id: z.int(),
    created_at: nullableString(),
    tool_name: nullableString(),
    message_type: nullableString(),
    thought: nullableString(),
    observation: z.optional(z.nullable(z.union([z.record(z.string(), z.unknown()), z.string()]))),
    tool_input: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
    tool_output: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  }),
)

export const AgentRunWithLogsSchema = built(() =>
  z.looseObject({
    ...runFields(),
    metadata: metadata(),
    logs: z.array(AgentRunLogSchema()),
    total_logs: z.optional(z.nullable(z.int())),
    page: z.optional(z.nullable(z.int())),
    size: z.optional(z.nullable(z.int())),
    pages: z.optional(z.nullable(z.int())),
  }),
)

export function pageSchema<T extends z.ZodMiniType>(item: T) {
  return z.looseObject({
    items: z.array(item),
    total: z.int(),
    page: z.int(),
    size: z.int(),
    pages: z.int(),
  })
}

export const UserPageSchema = built(() => pageSchema(UserSchema()))
export const RepoPageSchema = built(() => pageSchema(RepoSchema()))
export const OrganizationPageSchema = built(() => pageSchema(OrganizationSchema()))
export const AgentRunPageSchema = built(() => pageSchema(AgentRunSchema()))

// Error bodies: `{message, status_code}` from Codegen, or FastAPI's `{detail}` (a string or a list).
export const ValidationIssueSchema = built(() =>
  z.looseObject({
    loc: z.optional(z.array(z.union([z.string(), z.number()]))),
    msg: z.optional(z.string()),
    type: z.optional(z.string()),
  }),
)
export const ErrorBodySchema = built(() =>
  z.looseObject({
    message: z.optional(z.string()),
    status_code: z.optional(z.number()),
    detail: z.optional(z.union([z.string(), z.array(ValidationIssueSchema()), z.record(z.string(), z.unknown())])),
  }),
)

export type Organization = z.infer<ReturnType<typeof OrganizationSchema>>
export type User = z.infer<ReturnType<typeof UserSchema>>
export type Repo = z.infer<ReturnType<typeof RepoSchema>>
export type PullRequest = z.infer<ReturnType<typeof PullRequestSchema>>
export type AgentRun = z.infer<ReturnType<typeof AgentRunSchema>>
export type AgentRunLog = z.infer<ReturnType<typeof AgentRunLogSchema>>
export type AgentRunWithLogs = z.infer<ReturnType<typeof AgentRunWithLogsSchema>>
export type Page<T> = {items: T[]; total: number; page: number; size: number; pages: number}
export type ErrorBody = z.infer<ReturnType<typeof ErrorBodySchema>>

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
