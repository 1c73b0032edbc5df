import {z} from 'zod'
import type {AgentRun, AgentRunLog, Organization, User} from '../api/schemas.js'
import type {ConfigEntry} from '../services/config.js'
import {isTerminal, parentOf, repoOf, titleOf, type RepoNames, type RunRecord} from '../domain/run.js'

// What models see and get back: input helpers, output shapes, and the compact forms of API objects.
// Everything here is plain zod (v4): no SDK import.

export const MAX_ID = 2_147_483_647
export const RUN_URI_PREFIX = 'codegen://agent-runs/'
export const RUN_URI_TEMPLATE = `${RUN_URI_PREFIX}{agent_run_id}`
export const runUri = (id: number) => `${RUN_URI_PREFIX}${id}`

/**
 * An integer argument: a JSON number, or a string of digits (models send both); anything else is
 * refused. Explicit bounds, so the JSON schema says what is allowed.
 */
export function intArg(min: number, max: number, what: string) {
  const error = `${what} must be an integer from ${min} to ${max} (a number or a string of digits)`
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\s*\d{1,16}\s*$/.test(value) ? Number(value.trim()) : value),
    z.number({error}).int({error}).min(min, {error}).max(max, {error}),
  )
}

export const idArg = (what: string, description: string) => intArg(1, MAX_ID, what).describe(description)

export const MAX_TEXT = 8000
export const MAX_LIST_TEXT = 300

/** Long text from the API, cut for a tool result; the whole of it stays readable elsewhere. */
export function clip(text: string | null | undefined, max: number): {text?: string; clipped: boolean} {
  if (typeof text !== 'string' || text === '') return {clipped: false}
  if (text.length <= max) return {text, clipped: false}
  return {text: text.slice(0, max) + ` … [${text.length - max} more characters]`, clipped: true}
}

// --- agent runs -----------------------------------------------------------------------------------

const PullRequestOut = z.object({
  title: z.string().optional(),
  url: z.string().optional(),
  branch: z.string().optional(),
})

export const RunOut = z.object({
  id: z.number().int().min(1).max(MAX_ID),
  status: z
    .string()
    .describe('As the API says: ACTIVE/RUNNING/PENDING while it works; COMPLETE, FAILED, ERROR, STOPPED or CANCELLED when finished.'),
  finished: z.boolean().describe('True once the status is final.'),
  web_url: z.string().optional(),
  created_at: z.string().optional(),
  source_type: z.string().optional(),
  repo: z.string().optional(),
  summary: z.string().optional(),
  result: z.string().optional().describe("The agent's final answer (cut when long: see result_truncated)."),
  result_truncated: z.boolean().optional(),
  pull_requests: z.array(PullRequestOut),
  title: z.string().optional().describe('What the run was about: the first line of its prompt, when known.'),
  parent_run_id: z
    .number()
    .int()
    .min(1)
    .max(MAX_ID)
    .optional()
    .describe('The run this one reports to when it finishes (only when it was started here with a parent).'),
  stale: z.boolean().optional().describe('True when the API could not be asked and this is the run as last seen (see last_seen and note).'),
  last_seen: z.string().optional().describe('With stale: when the run was last seen (ISO 8601).'),
  note: z.string().optional().describe('With stale: why the API could not answer.'),
  resource_uri: z.string().describe('MCP resource of this run: read it, or subscribe to it to be told when it changes.'),
})
export type RunOutT = z.infer<typeof RunOut>

export const RunListItemOut = z.object({
  id: z.number().int().min(1).max(MAX_ID),
  status: z.string(),
  created_at: z.string().optional(),
  web_url: z.string().optional(),
  source_type: z.string().optional(),
  repo: z.string().optional(),
  title: z.string().optional(),
  summary: z.string().optional(),
  pull_request_urls: z.array(z.string()),
})

const defined = <T extends Record<string, unknown>>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T

/** What the server knows besides the API's answer: its record of the run, repository names by id. */
export interface RunKnowledge {
  record?: RunRecord
  repos?: RepoNames
}

/**
 * A run, from the API or from the local record, as tools return it. Repository, parent and title follow
 * the one rule of src/domain/run.ts: the parent only from the local record, within the id range (F-6).
 */
export function runOut(run: AgentRun | RunRecord, maxText = MAX_TEXT, known: RunKnowledge = {}): RunOutT {
  const isRecord = 'watched_since' in run
  const record = isRecord ? (run as RunRecord) : known.record
  const prs = isRecord ? (run as RunRecord).prs : (run.github_pull_requests ?? [])
  const result = clip(run.result, maxText)
  return defined({
    id: run.id,
    status: run.status ?? 'UNKNOWN',
    finished: isTerminal(run.status),
    web_url: run.web_url ?? undefined,
    created_at: run.created_at ?? undefined,
    source_type: run.source_type ?? undefined,
    repo: (isRecord ? record?.repo : repoOf(run, {record, repos: known.repos})) ?? undefined,
    summary: clip(run.summary, maxText).text,
    result: result.text,
    result_truncated: result.clipped || undefined,
    pull_requests: prs.map((pr) =>
      defined({title: pr.title ?? undefined, url: pr.url ?? undefined, branch: pr.head_branch_name ?? undefined}),
    ),
    title: (isRecord ? undefined : titleOf(run)) ?? record?.title ?? undefined,
    parent_run_id: parentOf(record),
    resource_uri: runUri(run.id),
  })
}

export function runListItem(run: AgentRun, known: RunKnowledge = {}): z.infer<typeof RunListItemOut> {
  return defined({
    id: run.id,
    status: run.status ?? 'UNKNOWN',
    created_at: run.created_at ?? undefined,
    web_url: run.web_url ?? undefined,
    source_type: run.source_type ?? undefined,
    repo: repoOf(run, known),
    title: titleOf(run) ?? known.record?.title ?? undefined,
    summary: clip(run.summary, MAX_LIST_TEXT).text,
    pull_request_urls: (run.github_pull_requests ?? []).map((pr) => pr.url).filter((u): u is string => Boolean(u)),
  })
}

/** A run answered from the local state: marked stale, with when it was last seen and why (F-24, F-35). */
export function staleOut(out: RunOutT, stale: {error: Error; lastSeen?: string}): RunOutT {
  return defined({
    ...out,
    stale: true,
    last_seen: stale.lastSeen,
    note: `The Codegen API could not be asked (${stale.error.message}); this is agent run ${out.id} as last seen${stale.lastSeen ? ` ${stale.lastSeen}` : ''} in the local run state.`,
  })
}

/** A short text block about a run: what a host that ignores structuredContent shows the model. */
export function runText(run: RunOutT, lead?: string): string {
  const lines = [lead ?? `Agent run ${run.id} is ${run.status}.`]
  if (run.stale) lines.push(run.note ?? `From the local run state, as last seen ${run.last_seen ?? ''}.`)
  if (run.web_url) lines.push(`Web: ${run.web_url}`)
  if (run.repo) lines.push(`Repository: ${run.repo}`)
  for (const pr of run.pull_requests) lines.push(`PR: ${pr.title ?? ''} ${pr.url ?? ''}`.trim())
  if (run.summary) lines.push(`Summary: ${run.summary}`)
  if (run.result) lines.push(`Result:\n${run.result}`)
  return lines.join('\n')
}

// --- users and organizations -----------------------------------------------------------------------

export const UserOut = z.object({
  id: z.number().int().min(1).max(MAX_ID),
  github_username: z.string(),
  full_name: z.string().optional(),
  email: z.string().optional(),
  role: z.string().optional(),
  is_admin: z.boolean().optional(),
})

export function userOut(user: User): z.infer<typeof UserOut> {
  return defined({
    id: user.id,
    github_username: user.github_username,
    full_name: user.full_name ?? undefined,
    email: user.email ?? undefined,
    role: user.role ?? undefined,
    is_admin: user.is_admin ?? undefined,
  })
}

export const userText = (u: z.infer<typeof UserOut>) =>
  `${u.id} ${u.github_username}${u.full_name ? ` (${u.full_name})` : ''}${u.email ? ` <${u.email}>` : ''}${u.role ? ` ${u.role}` : ''}`

export const OrganizationOut = z.object({
  id: z.number().int().min(1).max(MAX_ID),
  name: z.string(),
})

export const organizationOut = (org: Organization): z.infer<typeof OrganizationOut> => ({id: org.id, name: org.name})

// --- logs --------------------------------------------------------------------------------------

export const MAX_LOG_FIELD = 1500

export const LogEntryOut = z.object({
  created_at: z.string().optional(),
  message_type: z.string().optional(),
  tool_name: z.string().optional(),
  thought: z.string().optional(),
  observation: z.string().optional().describe('JSON text when the API gave an object; cut when long.'),
  tool_input: z.string().optional().describe('JSON text, cut when long.'),
  tool_output: z.string().optional().describe('JSON text, cut when long.'),
})

const asText = (v: unknown) => (v === null || v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v))

export function logEntryOut(entry: AgentRunLog): z.infer<typeof LogEntryOut> {
  return defined({
    created_at: entry.created_at ?? undefined,
    message_type: entry.message_type ?? undefined,
    tool_name: entry.tool_name ?? undefined,
    thought: clip(entry.thought, MAX_LOG_FIELD).text,
    observation: clip(asText(entry.observation), MAX_LOG_FIELD).text,
    tool_input: clip(asText(entry.tool_input), MAX_LOG_FIELD).text,
    tool_output: clip(asText(entry.tool_output), MAX_LOG_FIELD).text,
  })
}

// --- config ------------------------------------------------------------------------------------

export const ConfigEntryOut = z.object({
  key: z.string(),
  set: z.boolean(),
  value: z.string().optional().describe('The value; for api-token only a mask with its last four characters.'),
  source: z.string().optional().describe('Where the value comes from: flag, env, project, user or default.'),
  description: z.string(),
})

export function configEntryOut(e: ConfigEntry): z.infer<typeof ConfigEntryOut> {
  return defined({
    key: e.key,
    set: e.set,
    value: e.value === null ? undefined : String(e.value),
    source: e.source ?? undefined,
    description: e.description,
  })
}
