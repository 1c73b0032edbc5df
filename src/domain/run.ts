import * as z from 'zod/mini'
import {usageError} from '../api/errors.js'
import {built, type AgentRun} from '../api/schemas.js'

// What an agent run is, in one place: its status, repository, parent, pull requests and title, and
// its local record. The table, the `--repo` filter, MCP output and the state store all ask here, so
// "which repository is this run on" has one answer (F-39).

// --- ids ------------------------------------------------------------------------------------------

/** The API's ids are 32-bit: anything outside 1..MAX_RUN_ID is not an id (F-6). */
export const MAX_RUN_ID = 2_147_483_647

/** A valid id from a number or a string of digits; anything else (NaN, 1.5, -3, 99999999999) is undefined. */
export function validId(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\s*\d{1,10}\s*$/.test(value) ? Number(value) : value
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_RUN_ID ? n : undefined
}

// --- status ---------------------------------------------------------------------------------------

// Status is a free string in the API, upper-case in practice. Compare case-insensitively; an unknown
// value counts as still running for watching (it is shown as it is, never a crash).
export const RUNNING_STATUSES = ['ACTIVE', 'RUNNING', 'PENDING', 'QUEUED', 'IN_PROGRESS'] as const
export const TERMINAL_STATUSES = ['COMPLETE', 'FAILED', 'ERROR', 'STOPPED', 'CANCELLED'] as const

// Spelling variants the API or people use for the same terminal state.
const CANONICAL: Record<string, string> = {COMPLETED: 'COMPLETE', CANCELED: 'CANCELLED'}

export function normaliseStatus(status: string | null | undefined): string {
  const upper = (typeof status === 'string' ? status : '').trim().toUpperCase()
  return CANONICAL[upper] ?? upper
}

export function isTerminal(status: string | null | undefined): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(normaliseStatus(status))
}

export const isComplete = (status: string | null | undefined) => normaliseStatus(status) === 'COMPLETE'

/** Names people type for `--status`, and the statuses each one selects. */
export const STATUS_FILTERS: Record<string, readonly string[]> = {
  active: RUNNING_STATUSES,
  running: RUNNING_STATUSES,
  pending: ['PENDING', 'QUEUED'],
  complete: ['COMPLETE'],
  completed: ['COMPLETE'],
  done: ['COMPLETE'],
  failed: ['FAILED'],
  error: ['ERROR'],
  stopped: ['STOPPED'],
  cancelled: ['CANCELLED'],
  canceled: ['CANCELLED'],
  finished: TERMINAL_STATUSES,
}

/** `failed,error` -> the set of canonical statuses; an unknown name is refused with the valid ones. */
export function parseStatusFilter(input: string): Set<string> {
  const out = new Set<string>()
  for (const part of input
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean)) {
    const statuses = STATUS_FILTERS[part]
    if (!statuses) {
      throw usageError(`Unknown status ${JSON.stringify(part)}.`, `Valid statuses: ${Object.keys(STATUS_FILTERS).join(', ')}.`)
    }
    for (const s of statuses) out.add(s)
  }
  if (out.size === 0) throw usageError('--status needs a value.', `Valid statuses: ${Object.keys(STATUS_FILTERS).join(', ')}.`)
  return out
}

// --- the local record -----------------------------------------------------------------------------

const text = () => z.optional(z.nullable(z.string()))
const id = () => z.int().check(z.gte(1), z.lte(MAX_RUN_ID))

// Built on first use, as the API's schemas are: most commands never read a state file.
export const StoredPullRequestSchema = built(() =>
  z.object({
    id: z.optional(z.int()),
    title: text(),
    url: text(),
    head_branch_name: text(),
  }),
)

export const PARENT_REPORT_STATES = ['pending', 'sending', 'sent', 'undeliverable'] as const

/** One run as the state file keeps it. Records that do not fit are dropped when the file is read (F-69). */
export const RunRecordSchema = built(() =>
  z.object({
    id: id(),
    org_id: z.optional(z.int()),
    status: z.nullable(z.string()),
    web_url: text(),
    result: text(),
    summary: text(),
    created_at: text(),
    source_type: text(),
    /** What the run was about: the first line of its prompt (metadata.title). */
    title: text(),
    prs: z.array(StoredPullRequestSchema()),
    /** Its repository (OWNER/NAME), resolved when known: see repoOf. */
    repo: text(),
    /**
     * A run started on behalf of another run: the parent is resumed with a report. Written only at start
     * from an explicit parent (--parent, parent_run_id, CODEGEN_PARENT_RUN_ID), never from API metadata.
     */
    parent_run_id: z.optional(z.nullable(id())),
    /** When it was first recorded (ISO 8601). */
    watched_since: z.string(),
    /** Last time the API was asked about this run (ISO 8601). */
    last_seen: z.optional(z.string()),
    /** Last time its status changed (ISO 8601). */
    last_change: z.optional(z.string()),
    /** Last time this record changed in any way: the newer copy wins when two processes merge. */
    updated_at: z.optional(z.string()),
    /** Still watched: false once it is terminal or someone stopped watching it. */
    watched: z.boolean(),
    /** Why it is no longer watched, when that is not "it finished". */
    note: z.optional(z.string()),
    /**
     * The report of this (child) run to its parent: pending until the parent is COMPLETE, `sending` while
     * the resume is under way, then `sent`; `undeliverable` when it cannot be (or may have been) sent.
     */
    parent_report: z.optional(z.enum(PARENT_REPORT_STATES)),
    parent_report_note: z.optional(z.string()),
    /** `new --attempts N`: the group this run is one attempt of, and which attempt (from its metadata). */
    group_id: z.optional(z.string()),
    attempt: z.optional(z.int()),
  }),
)

export type RunRecord = z.infer<ReturnType<typeof RunRecordSchema>>
export type StoredPullRequest = z.infer<ReturnType<typeof StoredPullRequestSchema>>

/** A record read from a file: well-formed, or undefined (older files lack a few fields: they get defaults). */
export function parseRecord(value: unknown): RunRecord | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined
  const v = value as Record<string, unknown>
  const withDefaults = {
    ...v,
    prs: v.prs ?? [],
    watched: v.watched ?? false,
    watched_since: v.watched_since ?? new Date(0).toISOString(),
    status: v.status ?? null,
  }
  const parsed = RunRecordSchema().safeParse(withDefaults)
  return parsed.success ? parsed.data : undefined
}

// --- repository -----------------------------------------------------------------------------------

/** Repository names by the API's repo_id, from the repository cache (see services/repos.ts). */
export type RepoNames = ReadonlyMap<number, string>

const NAME_KEYS = ['repo', 'repository', 'repo_full_name', 'full_name', 'repo_name'] as const
const PR_REPO = /^https:\/\/(?:www\.)?github\.com\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/pull\/(\d+)(?:[/?#].*)?$/i

const metadataOf = (run: AgentRun): Record<string, unknown> => (run.metadata && typeof run.metadata === 'object' ? run.metadata : {})

/** The repo_id a run was started with (its metadata), if valid. */
export const repoIdOf = (run: AgentRun): number | undefined => validId(metadataOf(run).repo_id)

/** OWNER/NAME and number of a pull request URL on GitHub. */
export function prRef(url: string | null | undefined): {repo: string; number: number} | undefined {
  const m = typeof url === 'string' ? PR_REPO.exec(url) : null
  // An owner or name of dots only is no GitHub repository. checkout and diff build git remotes from this.
  if (!m || /^\.+$/.test(m[1]) || /^\.+$/.test(m[2])) return undefined
  return {repo: `${m[1]}/${m[2].replace(/\.git$/, '')}`, number: Number(m[3])}
}

/**
 * Every repository name a run can be said to be on, most telling first: names in its metadata, its
 * repo_id through the repository cache, what was recorded when it started, its pull requests.
 */
export function repoNamesOf(run: AgentRun, opts: {repos?: RepoNames; record?: RunRecord} = {}): string[] {
  const m = metadataOf(run)
  const names: string[] = []
  for (const key of NAME_KEYS) if (typeof m[key] === 'string' && m[key].trim()) names.push(m[key].trim())
  const repoId = validId(m.repo_id)
  const byId = repoId !== undefined ? opts.repos?.get(repoId) : undefined
  if (byId) names.push(byId)
  if (opts.record?.repo) names.push(opts.record.repo)
  for (const pr of run.github_pull_requests ?? []) {
    const ref = prRef(pr.url)
    if (ref) names.push(ref.repo)
  }
  return [...new Set(names)]
}

/** The repository a run is on (OWNER/NAME), or undefined when nothing says. */
export const repoOf = (run: AgentRun, opts: {repos?: RepoNames; record?: RunRecord} = {}): string | undefined => repoNamesOf(run, opts)[0]

/** What `--repo` asks for: OWNER/NAME (or NAME), and the repo_ids of the repositories it names. */
export interface RepoTarget {
  name: string
  ids?: number[]
}

/** Normalises `--repo` input: a GitHub URL or OWNER/NAME or NAME; empty is refused. */
export function repoQuery(input: string): string {
  const wanted = input
    .trim()
    .replace(/^https:\/\/github\.com\//i, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '')
  if (!wanted) throw usageError('--repo needs a value.')
  return wanted
}

/** One rule for "is this run on that repository" (list --repo, MCP codegenapi_list). */
export function isOnRepo(run: AgentRun, target: RepoTarget, opts: {repos?: RepoNames; record?: RunRecord} = {}): boolean {
  const repoId = repoIdOf(run)
  if (repoId !== undefined && target.ids?.includes(repoId)) return true
  const wanted = target.name.toLowerCase()
  const hasOwner = wanted.includes('/')
  return repoNamesOf(run, opts).some((name) => {
    const n = name.toLowerCase()
    return hasOwner ? n === wanted : n === wanted || n.endsWith(`/${wanted}`)
  })
}

// --- attempt groups ---------------------------------------------------------------------------------

/** Metadata keys of `new --attempts N`: the group id, this run's attempt number, and N. */
export const GROUP_KEYS = {group: 'attempt_group', attempt: 'attempt', attempts: 'attempts'} as const

const GROUP_ID = /^g-[0-9a-f]{8}$/

/** True when the text is a group id (where a run id was expected, say). */
export const isGroupId = (input: string): boolean => GROUP_ID.test(input.trim().toLowerCase())

/** A group id as `new --attempts` makes them (g- and 8 hex digits); anything else is a usage error. */
export function parseGroupId(input: string): string {
  const id = input.trim().toLowerCase()
  if (!GROUP_ID.test(id)) throw usageError(`Invalid group id ${JSON.stringify(input)}: it looks like g-1a2b3c4d (see \`new --attempts\`).`)
  return id
}

export interface RunGroup {
  id: string
  attempt: number
  attempts: number
}

/** The attempt group a run belongs to, from its metadata; undefined unless all three keys are well-formed. */
export function groupOf(run: AgentRun): RunGroup | undefined {
  const m = metadataOf(run)
  const id = m[GROUP_KEYS.group]
  const attempt = m[GROUP_KEYS.attempt]
  const attempts = m[GROUP_KEYS.attempts]
  if (typeof id !== 'string' || !GROUP_ID.test(id)) return undefined
  if (typeof attempt !== 'number' || typeof attempts !== 'number' || !Number.isInteger(attempt) || !Number.isInteger(attempts))
    return undefined
  return attempt >= 1 && attempt <= attempts && attempts <= 100 ? {id, attempt, attempts} : undefined
}

// --- parent, pull requests, title ------------------------------------------------------------------

/** The parent a run reports to: only what its local record says (written at start), never API metadata. */
export const parentOf = (record: RunRecord | undefined): number | undefined => validId(record?.parent_run_id)

export function prsOf(run: AgentRun): StoredPullRequest[] {
  return (run.github_pull_requests ?? []).map((pr) => ({
    id: pr.id,
    title: pr.title ?? null,
    url: pr.url ?? null,
    head_branch_name: pr.head_branch_name ?? null,
  }))
}

const MAX_TITLE = 120

/** What the run was about: the first line of metadata.title (the prompt's first line), if there is one. */
export function titleOf(run: AgentRun): string | undefined {
  const title = metadataOf(run).title
  if (typeof title !== 'string') return undefined
  const first = title.split(/\r?\n/).find((l) => l.trim())
  return first ? first.trim().slice(0, MAX_TITLE) : undefined
}

// --- record <-> API shape -----------------------------------------------------------------------------

/** Long text is stored cut: the API keeps the whole of it. */
const MAX_STORED_TEXT = 20_000
const cut = (value: string | null | undefined) =>
  typeof value === 'string' && value.length > MAX_STORED_TEXT ? value.slice(0, MAX_STORED_TEXT) + ' …' : (value ?? null)

/** The record for a run as the API returned it, merged over what was known. The parent link is kept, never read. */
export function recordFromRun(run: AgentRun, previous?: RunRecord, now = new Date(), repos?: RepoNames): RunRecord {
  const statusChanged = !previous || normaliseStatus(previous.status) !== normaliseStatus(run.status)
  const parent = parentOf(previous)
  // A child seen finished owes its parent a report, whoever saw it: the report waits in the state file
  // for a process that may send it (`watch`, `mcp serve`), never for the one that only read it.
  const owesReport = parent !== undefined && isTerminal(run.status) && !previous?.parent_report
  return {
    ...previous,
    id: run.id,
    org_id: run.organization_id,
    status: run.status ?? null,
    web_url: run.web_url ?? previous?.web_url ?? null,
    result: cut(run.result),
    // The list endpoint and the single-run endpoint both carry these; keep the last non-empty one.
    summary: cut(run.summary ?? previous?.summary),
    created_at: run.created_at ?? previous?.created_at ?? null,
    source_type: run.source_type ?? previous?.source_type ?? null,
    title: titleOf(run) ?? previous?.title ?? null,
    prs: run.github_pull_requests ? prsOf(run) : (previous?.prs ?? []),
    repo: repoOf(run, {repos, record: previous}) ?? null,
    parent_run_id: parent ?? null,
    ...groupFields(run, previous),
    ...(owesReport ? {parent_report: 'pending' as const} : {}),
    watched_since: previous?.watched_since ?? now.toISOString(),
    last_seen: now.toISOString(),
    ...(statusChanged ? {last_change: now.toISOString()} : {}),
    watched: previous?.watched ?? false,
  }
}

function groupFields(run: AgentRun, previous?: RunRecord): Pick<RunRecord, 'group_id' | 'attempt'> {
  const group = groupOf(run)
  if (group) return {group_id: group.id, attempt: group.attempt}
  // The single-run endpoint and the listing both carry metadata; a run without it keeps what was known.
  return previous?.group_id !== undefined ? {group_id: previous.group_id, attempt: previous.attempt} : {}
}

/** A record in the API's shape, for commands that print runs from the local state. */
export function runFromRecord(r: RunRecord): AgentRun {
  return {
    id: r.id,
    organization_id: r.org_id ?? 0,
    status: r.status,
    created_at: r.created_at ?? null,
    web_url: r.web_url ?? null,
    result: r.result ?? null,
    summary: r.summary ?? null,
    source_type: r.source_type ?? null,
    github_pull_requests: r.prs.map((pr) => ({
      id: pr.id ?? 0,
      title: pr.title ?? null,
      url: pr.url ?? null,
      created_at: '',
      head_branch_name: pr.head_branch_name ?? null,
    })),
    metadata: {...(r.repo ? {repo: r.repo} : {}), ...(r.title ? {title: r.title} : {})},
  }
}

/**
 * A recorded run, updated with what a command saw of it (get, list, logs, --wait). A status that
 * changed to a final one ends the watching; an unchanged one changes nothing about it, so a run just
 * resumed that still shows its old final status stays watched (F-41).
 */
export function observedRecord(previous: RunRecord, run: AgentRun, now = new Date(), repos?: RepoNames): RunRecord {
  const record = recordFromRun(run, previous, now, repos)
  const changed = normaliseStatus(previous.status) !== normaliseStatus(run.status)
  return {...record, watched: changed ? previous.watched && !isTerminal(run.status) : previous.watched}
}

/** True when what the API says of a run differs from its record in what a person would see. */
export function recordDiffers(previous: RunRecord, run: AgentRun): boolean {
  return (
    normaliseStatus(previous.status) !== normaliseStatus(run.status) ||
    (run.summary !== undefined && (run.summary ?? null) !== (previous.summary ?? null)) ||
    (run.github_pull_requests?.length ?? previous.prs.length) !== previous.prs.length
  )
}
