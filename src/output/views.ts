import type {AgentRun, AgentRunLog, Organization, Repo, User} from '../api/schemas.js'
import {prRef, repoOf, titleOf, type RepoNames, type RunRecord} from '../domain/run.js'
import {link, paint, relativeTime, statusColor, truncate, type OutputStyle} from './format.js'
import {oneLine, sanitize} from './sanitize.js'
import {renderTable, type Column} from './table.js'

// How each kind of API object reads for a person. `--json` bypasses all of this.

/** What the table and `get` know besides the run itself: repository names by id, the local records. */
export interface RunContext {
  repos?: RepoNames
  records?: ReadonlyMap<number, RunRecord>
}

/** The repository a run is on (one rule: src/domain/run.ts), without its PR. */
export const runRepo = (run: AgentRun, ctx: RunContext = {}): string =>
  repoOf(run, {repos: ctx.repos, record: ctx.records?.get(run.id)}) ?? ''

/** The first pull request as OWNER/NAME#N (or #N on the run's own repository). */
function runPr(run: AgentRun, repo: string): string {
  const ref = prRef(run.github_pull_requests?.find((pr) => prRef(pr.url))?.url)
  if (!ref) return ''
  return ref.repo.toLowerCase() === repo.toLowerCase() ? `#${ref.number}` : `${ref.repo}#${ref.number}`
}

export const runColumns = (style: OutputStyle, ctx: RunContext = {}, now = Date.now()): Column<AgentRun>[] => [
  {header: 'id', get: (r) => r.id},
  {header: 'status', get: (r) => r.status ?? '-', color: (r, t) => paint(style, statusColor(r.status), t)},
  {header: 'created', get: (r) => relativeTime(r.created_at, now)},
  {header: 'repo', get: (r) => runRepo(r, ctx)},
  {header: 'pr', get: (r) => runPr(r, runRepo(r, ctx))},
  // What the run was about: the first line of its prompt, when its metadata or the local state has it.
  {header: 'about', get: (r) => titleOf(r) ?? ctx.records?.get(r.id)?.title ?? '', flex: true},
  {header: 'summary', get: (r) => r.summary ?? r.result ?? '', flex: true},
]

export function runsTable(runs: AgentRun[], style: OutputStyle): string {
  return renderTable(runs, runColumns(style), style)
}

export function runDetail(run: AgentRun, style: OutputStyle, ctx: RunContext = {}, now = Date.now()): string {
  const label = (t: string) => paint(style, 'bold', t.padEnd(9))
  const lines = [
    `${paint(style, 'bold', `Agent run ${run.id}`)}  ${paint(style, statusColor(run.status), oneLine(run.status ?? 'unknown'))}`,
    `${label('Created')}${relativeTime(run.created_at, now)}${run.created_at ? paint(style, 'dim', ` (${oneLine(run.created_at)})`) : ''}`,
  ]
  // The repository alone: pull requests have their own lines (F-54).
  const repo = runRepo(run, ctx)
  if (repo) lines.push(`${label('Repo')}${oneLine(repo)}`)
  const title = titleOf(run) ?? ctx.records?.get(run.id)?.title
  if (title) lines.push(`${label('About')}${oneLine(title)}`)
  if (run.source_type) lines.push(`${label('Source')}${oneLine(run.source_type)}`)
  if (run.web_url) lines.push(`${label('Web')}${link(style, oneLine(run.web_url))}`)
  for (const [i, pr] of (run.github_pull_requests ?? []).entries()) {
    const url = oneLine(pr.url ?? '')
    lines.push(`${label(i === 0 ? 'PRs' : '')}${oneLine(pr.title ?? `#${pr.id}`)}  ${paint(style, 'cyan', link(style, url))}`)
  }
  if (run.summary) lines.push(`${label('Summary')}${oneLine(run.summary)}`)
  if (run.result) lines.push('', paint(style, 'bold', 'Result'), indent(sanitize(run.result)))
  return lines.join('\n')
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')

export function usersTable(users: User[], style: OutputStyle): string {
  return renderTable(
    users,
    [
      {header: 'id', get: (u) => u.id},
      {header: 'username', get: (u) => u.github_username},
      {header: 'name', get: (u) => u.full_name},
      {header: 'email', get: (u) => u.email, flex: true},
      {header: 'role', get: (u) => u.role ?? (u.is_admin ? 'ADMIN' : '')},
    ],
    style,
  )
}

export function userDetail(user: User, style: OutputStyle): string {
  const label = (t: string) => paint(style, 'bold', t.padEnd(9))
  return [
    `${label('User')}${user.id}  ${oneLine(user.github_username)}`,
    user.full_name ? `${label('Name')}${oneLine(user.full_name)}` : '',
    user.email ? `${label('Email')}${oneLine(user.email)}` : '',
    user.role ? `${label('Role')}${oneLine(user.role)}` : '',
  ]
    .filter(Boolean)
    .join('\n')
}

export function reposTable(repos: Repo[], style: OutputStyle): string {
  return renderTable(
    repos,
    [
      {header: 'id', get: (r) => r.id},
      {header: 'full name', get: (r) => r.full_name},
      {header: 'language', get: (r) => r.language},
      {header: 'visibility', get: (r) => r.visibility},
      {header: 'setup', get: (r) => r.setup_status},
      {header: 'description', get: (r) => (r.archived ? '[archived] ' : '') + (r.description ?? ''), flex: true},
    ],
    style,
  )
}

export function orgsTable(orgs: Organization[], style: OutputStyle, currentOrgId?: number): string {
  return renderTable(
    orgs,
    [
      {header: 'id', get: (o) => o.id},
      {header: 'name', get: (o) => o.name},
      {header: 'current', get: (o) => (o.id === currentOrgId ? '*' : '')},
    ],
    style,
  )
}

/** One compact line per log entry: time, type, tool, thought; on a terminal, never wider than it. */
export function logLine(entry: AgentRunLog, style: OutputStyle): string {
  const time =
    entry.created_at && !Number.isNaN(Date.parse(entry.created_at)) ? new Date(entry.created_at).toISOString().slice(11, 19) : '--:--:--'
  // Narrow terminals get narrower type and tool columns, and the thought what is left (at least 20).
  const narrow = style.width !== undefined && style.width < 100
  const typeWidth = narrow ? 12 : 18
  const toolWidth = narrow ? 10 : 16
  const cell = (text: string, width: number) => (style.width ? truncate(text, width) : text).padEnd(width)
  const type = cell(oneLine(entry.message_type ?? '-'), typeWidth)
  const tool = cell(oneLine(entry.tool_name ?? ''), toolWidth)
  let text = oneLine(entry.thought ?? (typeof entry.observation === 'string' ? entry.observation : ''))
  const fixed = time.length + typeWidth + toolWidth + 6
  if (style.width) text = truncate(text, Math.max(0, style.width - fixed))
  const typeColor = /ERROR/i.test(type) ? 'red' : /FINAL/i.test(type) ? 'green' : 'cyan'
  const line = `${paint(style, 'dim', time)}  ${paint(style, typeColor, type)}  ${paint(style, 'yellow', tool)}  ${text}`.trimEnd()
  // Narrower than the fixed columns (under ~40): cut the whole line.
  return style.width && fixed > style.width ? truncate(`${time}  ${type}  ${tool}`, style.width) : line
}

/** An attempt group side by side (`list --group`, `new --attempts`): attempt, run, status, PR, summary. */
export function groupTable(runs: {attempt: number; run: AgentRun}[], style: OutputStyle): string {
  return renderTable(
    runs,
    [
      {header: 'attempt', get: (r) => r.attempt},
      {header: 'run', get: (r) => r.run.id},
      {header: 'status', get: (r) => r.run.status ?? '-', color: (r, t) => paint(style, statusColor(r.run.status), t)},
      {header: 'pr', get: (r) => oneLine(r.run.github_pull_requests?.find((pr) => pr.url)?.url ?? '')},
      {header: 'summary', get: (r) => r.run.summary ?? r.run.result ?? '', flex: true},
    ],
    style,
  )
}
