// Deterministic seed data: organizations, users, repositories, agent runs and their logs.
import {type AgentRunLog, type FakeRun, type GithubPullRequest, type Organization, type Repo, type SourceType, type User} from './types.js'

/** Its `state` continues the same sequence when given to createRng again (the sandbox saves it). */
export type Rng = (() => number) & {readonly state: number}

/** mulberry32: small, fast, and the same sequence on every platform. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return Object.defineProperty(next, 'state', {get: () => a}) as Rng
}

const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1))
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]
function weighted<T>(rng: Rng, entries: [T, number][]): T {
  const total = entries.reduce((s, [, w]) => s + w, 0)
  let r = rng() * total
  for (const [value, w] of entries) if ((r -= w) < 0) return value
  return entries[entries.length - 1][0]
}
function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    ;[items[i], items[j]] = [items[j], items[i]]
  }
  return items
}

export const webUrl = (runId: number) => `https://codegen.com/agent/trace/${runId}`
export const iso = (ms: number) => new Date(ms).toISOString()

export interface SeedConfig {
  seed: number
  now: number
  orgId: number
  orgName: string
  secondOrg: {id: number; name: string} | null
  userId: number
  githubUsername: string
  userCount: number
  repoCount: number
  runCount: number
  failedFraction: number
}

export interface SeedData {
  orgs: Organization[]
  users: Map<number, User[]>
  repos: Map<number, Repo[]>
  /** Newest first. */
  runs: FakeRun[]
  nextPrId: number
}

const FIRST = [
  'Grace',
  'Alan',
  'Linus',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Frances',
  'John',
  'Radia',
  'Guido',
  'Katherine',
  'Edsger',
  'Sophie',
  'Donald',
  'Hedy',
  'Tim',
  'Shafi',
  'Bjarne',
  'Adele',
  'Yukihiro',
  'Mary',
  'Anders',
  'Lynn',
  'James',
  'Joan',
]
const LAST = [
  'Hopper',
  'Turing',
  'Torvalds',
  'Hamilton',
  'Thompson',
  'Liskov',
  'Ritchie',
  'Allen',
  'Backus',
  'Perlman',
  'Rossum',
  'Johnson',
  'Dijkstra',
  'Wilson',
  'Knuth',
  'Lamarr',
  'Berners',
  'Goldwasser',
  'Stroustrup',
  'Goldberg',
  'Matsumoto',
  'Jackson',
  'Hejlsberg',
  'Conway',
  'Gosling',
  'Clarke',
]
const REPO_A = [
  'arm',
  'vision',
  'fleet',
  'nav',
  'sensor',
  'motion',
  'grip',
  'path',
  'sim',
  'telemetry',
  'firmware',
  'cloud',
  'edge',
  'lidar',
  'battery',
  'dock',
  'map',
  'safety',
  'voice',
  'swarm',
]
const REPO_B = ['api', 'service', 'core', 'sdk', 'ui', 'tools', 'planner', 'driver', 'lib', 'bench']
const LANGUAGES = ['Python', 'TypeScript', 'Go', 'Rust', 'C++', 'Python', 'TypeScript', null]
const SETUP = ['COMPLETE', 'COMPLETE', 'COMPLETE', 'NOT_STARTED', 'IN_PROGRESS', 'FAILED']
const TASKS = ['FIX', 'FEATURE', 'REFACTOR', 'CREATE_PLAN', 'REVIEW', 'TEST', 'DOCS']
const WORK = [
  'Fix flaky test in the motion planner',
  'Add retry logic to the telemetry uploader',
  'Upgrade the lidar driver to the v3 protocol',
  'Refactor battery state machine into smaller modules',
  'Document the docking API',
  'Add integration tests for fleet dispatch',
  'Speed up map tile rendering',
  'Handle sensor timeouts without crashing',
  'Migrate CI from Travis to GitHub Actions',
  'Remove the deprecated v1 gripper endpoints',
  'Fix off-by-one in path smoothing',
  'Add structured logging to the edge service',
]
const SOURCE_WEIGHTS: [SourceType, number][] = [
  ['API', 25],
  ['GITHUB', 18],
  ['SLACK', 20],
  ['LINEAR', 10],
  ['LOCAL', 5],
  ['CHAT', 8],
  ['GITHUB_PR_REVIEW', 4],
  ['GITHUB_CHECK_SUITE', 3],
  ['JIRA', 2],
  ['CLICKUP', 2],
  ['MONDAY', 1],
  ['SETUP_COMMANDS', 2],
]
// The first seeded runs (newest first) get these statuses, so every kind is present whatever the PRNG draws.
const FIXED_STATUSES = [
  'ACTIVE',
  'COMPLETE',
  'FAILED',
  'complete',
  'COMPLETE',
  'PAUSED_FOR_REVIEW',
  'ERROR',
  'CANCELLED',
  'STOPPED',
  'ACTIVE',
]
export const RUN_ID_BASE = 7000
const ZEEEEPA_INDEX = 117 // on the second page of 100, so finding it takes paging

function makeUsers(rng: Rng, cfg: SeedConfig): User[] {
  const me: User = {
    id: cfg.userId,
    email: 'ada@acme-robotics.example',
    github_user_id: '58201937',
    github_username: cfg.githubUsername,
    avatar_url: 'https://avatars.githubusercontent.com/u/58201937?v=4',
    full_name: 'Ada Lovelace',
    role: 'ADMIN',
    is_admin: true,
  }
  const names = shuffle(
    rng,
    FIRST.flatMap((f) => LAST.map((l) => [f, l] as const)),
  )
  const users = [me]
  for (let i = 1; i < cfg.userCount; i++) {
    const [first, last] = names[i % names.length]
    const ghId = String(1_000_000 + int(rng, 0, 80_000_000))
    const login = `${first}-${last}${i >= names.length ? i : ''}`.toLowerCase()
    const role = weighted(rng, [
      ['MEMBER', 80],
      ['MANAGER', 12],
      ['ADMIN', 8],
    ])
    users.push({
      id: cfg.userId + i,
      email: rng() < 0.85 ? `${login.replace('-', '.')}@acme-robotics.example` : null,
      github_user_id: ghId,
      github_username: login,
      avatar_url: rng() < 0.9 ? `https://avatars.githubusercontent.com/u/${ghId}?v=4` : null,
      full_name: rng() < 0.9 ? `${first} ${last}` : null,
      role,
      is_admin: role === 'ADMIN',
    })
  }
  return users
}

function makeRepos(rng: Rng, cfg: SeedConfig): Repo[] {
  const names = shuffle(
    rng,
    REPO_A.flatMap((a) => REPO_B.map((b) => `${a}-${b}`)),
  )
  const repos: Repo[] = []
  for (let i = 0; i < cfg.repoCount; i++) {
    const special = i === Math.min(ZEEEEPA_INDEX, cfg.repoCount - 1)
    const name = special ? 'codegen.py' : names[i % names.length] + (i >= names.length ? `-${i}` : '')
    repos.push({
      id: 3001 + i,
      name,
      full_name: special ? 'Zeeeepa/codegen.py' : `acme/${name}`,
      description: special ? 'Python SDK for the Codegen API' : rng() < 0.75 ? `Acme Robotics ${name.replace('-', ' ')}` : null,
      github_id: String(600_000_000 + int(rng, 0, 99_999_999)),
      organization_id: cfg.orgId,
      visibility: special ? 'PUBLIC' : rng() < 0.85 ? 'PRIVATE' : 'PUBLIC',
      archived: rng() < 0.05,
      setup_status: pick(rng, SETUP),
      language: special ? 'Python' : pick(rng, LANGUAGES),
    })
  }
  return repos
}

function makeSecondOrg(cfg: SeedConfig, me: User): {users: User[]; repos: Repo[]} {
  const org = cfg.secondOrg!
  const friend = (id: number, login: string, name: string): User => ({
    id,
    email: null,
    github_user_id: String(id * 7919),
    github_username: login,
    avatar_url: null,
    full_name: name,
    role: 'MEMBER',
    is_admin: false,
  })
  const repo = (i: number, name: string, language: string | null): Repo => ({
    id: 9001 + i,
    name,
    full_name: `${cfg.githubUsername}/${name}`,
    description: null,
    github_id: String(700_000_000 + i),
    organization_id: org.id,
    visibility: 'PRIVATE',
    archived: false,
    setup_status: 'NOT_STARTED',
    language,
  })
  return {
    users: [{...me, role: 'ADMIN'}, friend(2001, 'charles-babbage', 'Charles Babbage'), friend(2002, 'mary-somerville', 'Mary Somerville')],
    repos: [repo(0, 'dotfiles', 'Shell'), repo(1, 'robot-sim-playground', 'Python'), repo(2, 'notes', null)],
  }
}

export function pullRequest(id: number, repoFullName: string, number: number, title: string, createdAt: number): GithubPullRequest {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)
  return {
    id,
    title,
    url: `https://github.com/${repoFullName}/pull/${number}`,
    created_at: iso(createdAt),
    head_branch_name: `codegen-bot/${slug}-${id}`,
  }
}

function statusFor(rng: Rng, index: number, failedFraction: number): string {
  if (index < FIXED_STATUSES.length) return FIXED_STATUSES[index]
  const f = Math.min(1, Math.max(0, failedFraction))
  const rest = 1 - f
  return weighted(rng, [
    ['FAILED', f * 0.7],
    ['ERROR', f * 0.3],
    ['COMPLETE', rest * 0.78],
    ['ACTIVE', rest * 0.06],
    ['CANCELLED', rest * 0.08],
    ['STOPPED', rest * 0.08],
  ])
}

function outcomeText(rng: Rng, status: string, work: string, repo: string): {result: string | null; summary: string | null} {
  switch (status.toUpperCase()) {
    case 'COMPLETE':
      return {
        summary: `${work} in ${repo}: changed ${int(rng, 1, 9)} files, all checks pass.`,
        result: `## Done\n\n${work}.\n\n- Root cause identified and fixed\n- Tests added (${int(rng, 2, 30)} new assertions)\n- CI green`,
      }
    case 'FAILED':
      return {
        summary: rng() < 0.5 ? `Could not finish: ${work.toLowerCase()}` : null,
        result: pick(rng, [
          'Tests kept failing after 3 attempts.',
          'Could not reproduce the bug described in the prompt.',
          'Merge conflict with main that needs a human decision.',
        ]),
      }
    case 'ERROR':
      return {
        summary: null,
        result: pick(rng, [
          'Sandbox setup failed (exit code 137: out of memory).',
          'Internal error: the model provider timed out.',
          'Repository clone failed: permission denied.',
        ]),
      }
    case 'STOPPED':
    case 'CANCELLED':
      return {summary: rng() < 0.4 ? 'Stopped by user' : null, result: null}
    case 'PAUSED_FOR_REVIEW':
      return {summary: 'Waiting for a review of the proposed plan.', result: null}
    default:
      return {summary: null, result: null}
  }
}

function makeRuns(rng: Rng, cfg: SeedConfig, users: User[], repos: Repo[]): {runs: FakeRun[]; nextPrId: number} {
  const runs: FakeRun[] = []
  let prId = 50_001
  let createdAt = cfg.now - 90_000
  // Runs mostly touch a handful of repositories, so filtering by one finds several.
  const hotRepos = repos.filter((r) => !r.archived).slice(0, 12)
  for (let i = 0; i < cfg.runCount; i++) {
    const id = RUN_ID_BASE + cfg.runCount - i
    const status = statusFor(rng, i, cfg.failedFraction)
    const repo = rng() < 0.8 && hotRepos.length ? pick(rng, hotRepos) : pick(rng, repos)
    const work = pick(rng, WORK)
    const metaRoll = rng()
    const metadata: Record<string, unknown> | null =
      metaRoll < 0.45
        ? {repo: repo.full_name, task: pick(rng, TASKS), requested_by: pick(rng, users).github_username}
        : metaRoll < 0.6
          ? {slack_channel: '#robotics-eng', thread_ts: `${Math.floor(createdAt / 1000)}.${int(rng, 100000, 999999)}`}
          : metaRoll < 0.65
            ? {linear_issue: `ROB-${int(rng, 100, 999)}`, priority: int(rng, 1, 4)}
            : null
    const upper = status.toUpperCase()
    const prChance = upper === 'COMPLETE' ? 0.75 : upper === 'ACTIVE' ? 0.15 : 0.1
    const prs: GithubPullRequest[] = []
    if (i === 1 || rng() < prChance) {
      const count = rng() < 0.12 ? 2 : 1
      for (let k = 0; k < count; k++)
        prs.push(
          pullRequest(
            prId++,
            repo.full_name,
            int(rng, 10, 2400),
            k ? `${work} (follow-up)` : work,
            createdAt + int(rng, 60_000, 1_800_000),
          ),
        )
    }
    const {result, summary} = outcomeText(rng, status, work, repo.full_name)
    runs.push({
      id,
      organization_id: cfg.orgId,
      status,
      created_at: iso(createdAt),
      web_url: webUrl(id),
      result,
      summary,
      source_type: weighted(rng, SOURCE_WEIGHTS),
      github_pull_requests: prs.length || rng() < 0.5 ? prs : null,
      metadata,
      creator_id: rng() < 0.35 ? cfg.userId : pick(rng, users).id,
    })
    createdAt -= int(rng, 3, 180) * 60_000 + int(rng, 0, 59_999)
  }
  return {runs, nextPrId: prId}
}

export function createSeed(cfg: SeedConfig): SeedData {
  const rng = createRng(cfg.seed)
  const org = (id: number, name: string): Organization => ({
    id,
    name,
    settings: {enable_pr_creation: true, enable_rules_detection: id === cfg.orgId},
  })
  const orgs = [org(cfg.orgId, cfg.orgName)]
  const users = makeUsers(rng, cfg)
  const repos = makeRepos(rng, cfg)
  const usersByOrg = new Map([[cfg.orgId, users]])
  const reposByOrg = new Map([[cfg.orgId, repos]])
  if (cfg.secondOrg) {
    orgs.push(org(cfg.secondOrg.id, cfg.secondOrg.name))
    const second = makeSecondOrg(cfg, users[0])
    usersByOrg.set(cfg.secondOrg.id, second.users)
    reposByOrg.set(cfg.secondOrg.id, second.repos)
  }
  const {runs, nextPrId} = makeRuns(rng, cfg, users, repos)
  return {orgs, users: usersByOrg, repos: reposByOrg, runs, nextPrId}
}

// Logs

const TOOLS: [string, (rng: Rng) => Record<string, unknown>][] = [
  ['ripgrep_search', (rng) => ({query: pick(rng, ['retry', 'TODO', 'timeout', 'def plan', 'class Driver'])})],
  [
    'view_file',
    (rng) => ({filepath: `src/${pick(rng, ['planner', 'driver', 'telemetry', 'api'])}/${pick(rng, ['core', 'utils', 'client'])}.py`}),
  ],
  ['edit_file', (rng) => ({filepath: `src/${pick(rng, ['planner', 'driver'])}/core.py`, edit: '@@ -12,3 +12,5 @@'})],
  ['run_command', (rng) => ({command: pick(rng, ['pytest -q', 'npm test', 'make lint', 'git status'])})],
  ['create_pr', () => ({title: 'Codegen changes', draft: false})],
  ['linear_get_issue', (rng) => ({issue_id: `ROB-${int(rng, 100, 999)}`})],
]
const THOUGHTS = [
  'Let me look for where the retries are configured.',
  'The failing test depends on wall-clock time; I will inject a clock.',
  'I should run the test suite before changing anything.',
  'This module is imported in three places; keep the public API stable.',
  'The fix works locally, now opening a pull request.',
  null,
]

/** One log entry of the given kind: a run's log reads as a plan, actions, then an answer or an error. */
export function makeLog(
  rng: Rng,
  runId: number,
  at: number,
  kind: 'plan' | 'action' | 'final' | 'error' | 'user',
  prompt?: string,
): AgentRunLog {
  const base = {agent_run_id: runId, created_at: iso(at), tool_input: null, tool_output: null}
  switch (kind) {
    case 'plan':
      return {
        ...base,
        message_type: 'PLAN_EVALUATION',
        tool_name: null,
        thought: 'Plan: 1) find the code 2) change it 3) run the tests 4) open a PR',
        observation: null,
      }
    case 'user':
      return {...base, message_type: 'USER_MESSAGE', tool_name: null, thought: null, observation: prompt ?? 'Please continue.'}
    case 'final':
      return {
        ...base,
        message_type: 'FINAL_ANSWER',
        tool_name: null,
        thought: 'All done.',
        observation: 'Opened a pull request with the changes; CI is green.',
      }
    case 'error':
      return {
        ...base,
        message_type: 'ERROR',
        tool_name: null,
        thought: null,
        observation: {error: 'Command failed with exit code 1', stderr: 'E   AssertionError: expected 3, got 2'},
      }
    case 'action': {
      const [tool, input] = pick(rng, TOOLS)
      const ok = rng() < 0.85
      return {
        ...base,
        message_type: 'ACTION',
        tool_name: tool,
        thought: pick(rng, THOUGHTS),
        observation:
          rng() < 0.3
            ? ok
              ? 'OK'
              : 'No matches found.'
            : {status: ok ? 'success' : 'error', output: ok ? `${int(rng, 1, 40)} lines` : 'not found'},
        tool_input: input(rng),
        tool_output: rng() < 0.5 ? {exit_code: ok ? 0 : 1} : null,
      }
    }
  }
}

/** The logs of a seeded run, made on first use so 10,000 runs cost nothing until read. */
export function seedLogs(run: FakeRun, seed: number, now: number, forceCount?: number): AgentRunLog[] {
  const rng = createRng(seed ^ (run.id * 2654435761))
  const upper = (run.status ?? '').toUpperCase()
  const count =
    forceCount ??
    (upper === 'COMPLETE'
      ? int(rng, 12, 160)
      : upper === 'FAILED' || upper === 'ERROR'
        ? int(rng, 5, 40)
        : upper === 'ACTIVE'
          ? int(rng, 3, 25)
          : int(rng, 2, 20))
  const start = run.created_at ? Date.parse(run.created_at) : now
  const terminal = !['ACTIVE', 'RUNNING', 'PENDING'].includes(upper)
  const span = Math.max(count, Math.min(now - start, terminal ? 3 * 3600_000 : now - start))
  const step = span / (count + 1)
  const logs: AgentRunLog[] = []
  for (let i = 0; i < count; i++) {
    const at = Math.round(start + step * (i + 1) - rng() * step * 0.5)
    const last = i === count - 1
    const kind =
      i === 0
        ? 'plan'
        : last && upper === 'COMPLETE'
          ? 'final'
          : last && (upper === 'FAILED' || upper === 'ERROR')
            ? 'error'
            : i % 17 === 0
              ? 'plan'
              : 'action'
    logs.push(makeLog(rng, run.id, at, kind))
  }
  return logs
}
