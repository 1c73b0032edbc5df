// Shapes shared by the sandbox's modules (a fake Codegen API). Wire types follow components.schemas of the contract.
import type {IncomingHttpHeaders} from 'node:http'
import type {RestState} from './routes-rest.js'
import type {StateStore} from './store.js'

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
export type SourceType = (typeof SOURCE_TYPES)[number]

export interface Organization {
  id: number
  name: string
  settings: {enable_pr_creation: boolean; enable_rules_detection: boolean}
}

export interface User {
  id: number
  email: string | null
  github_user_id: string
  github_username: string
  avatar_url: string | null
  full_name: string | null
  role: string | null
  is_admin: boolean | null
}

export interface Repo {
  id: number
  name: string
  full_name: string
  description: string | null
  github_id: string
  organization_id: number
  visibility: string | null
  archived: boolean | null
  setup_status: string
  language: string | null
}

export interface GithubPullRequest {
  id: number
  title: string | null
  url: string | null
  created_at: string
  head_branch_name: string | null
}

/** AgentRunResponse as the API sends it. */
export interface AgentRun {
  id: number
  organization_id: number
  status: string | null
  created_at: string | null
  web_url: string | null
  result: string | null
  summary: string | null
  source_type: SourceType | null
  github_pull_requests: GithubPullRequest[] | null
  metadata: Record<string, unknown> | null
}

/** A run as the fake keeps it: the wire fields plus who started it (the `user_id` filter of the list uses it). */
export interface FakeRun extends AgentRun {
  creator_id: number
}

export interface AgentRunLog {
  agent_run_id: number
  created_at: string | null
  tool_name: string | null
  message_type: string | null
  thought: string | null
  observation: Record<string, unknown> | string | null
  tool_input: Record<string, unknown> | null
  tool_output: Record<string, unknown> | null
}

export interface RateLimitRule {
  limit: number
  windowMs: number
}

/** Per token. A category left out keeps the API's published limit. */
export interface RateLimitConfig {
  /** Everything that is not creation or logs. Default 60 per 30 s. */
  standard?: RateLimitRule
  /** POST /v1/organizations/{org_id}/agent/run. Default 10 per 60 s. */
  create?: RateLimitRule
  /** GET /v1/alpha/.../agent/run/{id}/logs. Default 60 per 60 s. */
  logs?: RateLimitRule
  /** POST .../setup-commands/generate. Default 5 per 60 s. */
  setup_commands?: RateLimitRule
  /** PATCH .../prs/{pr_id} (both forms). Default 30 per 60 s. */
  pr_edit?: RateLimitRule
}

/**
 * What the tests check every request and answer against (test/fake-api/contract.ts, with ajv and the
 * spec): the sandbox ships without it.
 */
export interface ContractCheck {
  /** The contract has this method on this path (a request the sandbox does not route is then a 501). */
  hasOperation(method: string, path: string): boolean
  /** The contract has this path with some method (then 405, not 404). */
  hasPath(path: string): boolean
  /** Problems with a request body (empty: valid). */
  requestBody(method: string, path: string, body: unknown): string[]
  /** Problems with a response (empty: valid). */
  response(method: string, path: string, status: number, body: unknown): string[]
}

export interface SandboxApiOptions {
  /** Default 0 (any free port). */
  port?: number
  /** The one valid API token. Default "test-token-9f8e7d6c5b4a". */
  token?: string
  /** The default organization's id (default 42). */
  orgId?: number
  /** Default "Acme Robotics". */
  orgName?: string
  /** A second organization the user also belongs to (default {id: 57, name: "Ada's Sandbox"}); null for none. */
  secondOrg?: {id: number; name: string} | null
  /** The token's user (default 1001, "ada-dev"). */
  userId?: number
  githubUsername?: string
  /** Users in the default organization, the token's user included (default 130). */
  userCount?: number
  /** Repositories in the default organization, Zeeeepa/codegen.py included (default 140). */
  repoCount?: number
  /** Seeded agent runs in the default organization (default 60). */
  runCount?: number
  /** About this share of the seeded runs are FAILED or ERROR (default 0.15). */
  failedFraction?: number
  /** PRNG seed for the seed data (default 20251024). */
  seed?: number
  /** Seed timestamps count back from here (ms since epoch; default: when the fake starts or resets). */
  now?: number
  /** A created or resumed run ends after this long (default 1500 unless pollsToComplete is set). */
  runDurationMs?: number
  /** ... or after this many GETs of the run or its logs. With both options, whichever comes first. */
  pollsToComplete?: number
  /** The status a created or resumed run ends in (default "COMPLETE"). */
  outcome?: string
  /** A running run gains a log entry this often (default 300 ms), or one per GET with pollsToComplete. */
  logIntervalMs?: number
  /** Answer 429 like the API: true for the published limits, or custom ones. Off by default. */
  rateLimits?: boolean | RateLimitConfig
  /** Where the state is kept between processes (store.ts); in memory only without one. */
  store?: StateStore
  /** Do not keep the process alive for the server (an in-process sandbox). */
  background?: boolean
  /** The contract check of requests and responses; none in the product. */
  contract?: ContractCheck
  /** With `contract`: validate every response against it (default true). */
  validate?: boolean
}

export type FaultKind = 'reset-before' | 'reset-after' | 'delay' | 'truncated'

export interface Fault {
  /** Case-insensitive; any method when left out. */
  method?: string
  /** Exact pathname, or a RegExp tested against the pathname (no query); any path when left out. */
  path?: string | RegExp
  /** How many matching requests it applies to (default 1). */
  times?: number
  /** Answer with this status instead of acting on the request (with `delay`: after the delay). */
  status?: number
  headers?: Record<string, string>
  /** JSON-serialised, or sent as it is when a string (not JSON, e.g. an HTML error page). */
  body?: unknown
  /**
   * reset-before: destroy the socket without acting or answering; reset-after: act (e.g. create the run),
   * then destroy the socket; delay: act, then answer after delayMs; truncated: act, then send half the JSON.
   */
  kind?: FaultKind
  delayMs?: number
}

export interface RecordedRequest {
  method: string
  /** Pathname without the query. */
  path: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
  /** Parsed JSON, the raw text when it is not JSON, undefined when empty. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any JSON a client sent; tests read it field by field
  body: any
  /** The status sent; 0 when the socket was destroyed without an answer. */
  status: number
  /** Arrival, ms since epoch. */
  at: number
  /** Set when an injected fault handled the request. */
  fault?: FaultKind | 'status'
}

export interface SandboxApi {
  /** e.g. http://127.0.0.1:43567 (no trailing slash). */
  readonly url: string
  readonly port: number
  readonly token: string
  readonly orgId: number
  /** Organizations the user belongs to; orgs[0] is the default one. */
  readonly orgs: Organization[]
  readonly userId: number
  /** Users of the default organization. */
  readonly users: User[]
  /** Repositories of the default organization. */
  readonly repos: Repo[]
  /** Every run, newest first; life cycles are brought up to date on each read. */
  readonly runs: FakeRun[]
  readonly requests: RecordedRequest[]
  /** Responses that broke the contract: should stay empty. */
  readonly contractViolations: string[]
  /** Create and resume bodies that broke the contract: should stay empty. */
  readonly requestViolations: string[]
  getRun(id: number): FakeRun | undefined
  /** The run's logs, oldest first (generated on first use for seeded runs). */
  getLogs(id: number): AgentRunLog[]
  /** Sets status (and other fields); stops the run's life cycle. Throws for an unknown id. */
  setRunStatus(id: number, status: string, patch?: Partial<FakeRun>): FakeRun
  /** Adds a run (newest unless `created_at` says otherwise); `live` gives it the life cycle of a created run. */
  addRun(partial?: Partial<FakeRun> & {logs?: Partial<AgentRunLog>[]}, opts?: {live?: boolean}): FakeRun
  inject(fault: Fault): void
  /** Bans, PR states, check-suite settings and OAuth providers of the endpoints in routes-rest.ts. */
  readonly rest: RestState
  /** Clears requests, faults, violations and rate-limit windows, and restores the seed data. */
  reset(): void
  close(): Promise<void>
}
