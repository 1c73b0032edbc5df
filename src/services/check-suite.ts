import {usageError} from '../api/errors.js'
import {getCheckSuiteSettings, putCheckSuiteSettings} from '../api/rest.js'
import type {CheckSuiteSettings, CheckSuiteSettingsInput} from '../api/rest-schemas.js'
import type {ServiceContext} from './context.js'
import {resolveRepo} from './repos.js'

// Check-suite settings of a repository: how the agent reacts to failing CI checks on its PRs.

/** The contract's bounds for check_retry_count. */
export const MAX_CHECK_RETRIES = 10

export interface RepoRef {
  id: number
  full_name: string | null
}

/** A repository as OWNER/NAME (looked up) or as the API's numeric id (taken as it is). */
export async function repoRef(ctx: ServiceContext, repo: string): Promise<RepoRef> {
  const text = repo.trim()
  if (/^\d+$/.test(text)) {
    const id = Number(text)
    if (!Number.isSafeInteger(id) || id < 1) throw usageError(`Repository id ${text} is not a positive integer.`)
    return {id, full_name: null}
  }
  return resolveRepo(ctx, text)
}

export interface CheckSuiteResult {
  repo: RepoRef
  settings: CheckSuiteSettings
}

export async function getCheckSuite(ctx: ServiceContext, repo: string, signal?: AbortSignal): Promise<CheckSuiteResult> {
  const ref = await repoRef(ctx, repo)
  return {repo: ref, settings: await getCheckSuiteSettings(ctx.client(), ctx.orgId(), ref.id, signal)}
}

export interface CheckSuiteUpdateResult extends CheckSuiteResult {
  /** The fields sent; the others were left as they were. */
  changed: CheckSuiteSettingsInput
  response: Record<string, unknown>
}

/** Checks a change before anything is sent: at least one field, counts within the contract's bounds. */
export function checkChange(change: CheckSuiteSettingsInput): CheckSuiteSettingsInput {
  const sent = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) as CheckSuiteSettingsInput
  if (Object.keys(sent).length === 0) {
    throw usageError('Nothing to change: give at least one setting.')
  }
  const count = (n: unknown, what: string) => {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_CHECK_RETRIES) {
      throw usageError(`${what} must be a whole number from 0 to ${MAX_CHECK_RETRIES}, got ${JSON.stringify(n)}.`)
    }
  }
  if (sent.check_retry_count !== undefined && sent.check_retry_count !== null) count(sent.check_retry_count, 'The retry count')
  for (const [name, n] of Object.entries(sent.check_retry_counts ?? {})) count(n, `The retry count of check ${JSON.stringify(name)}`)
  for (const list of [sent.ignored_checks, sent.high_priority_apps]) {
    if (list?.some((s) => !s.trim())) throw usageError('A check or app name is empty.')
  }
  return sent
}

/** PUTs the fields given (the others are not sent, so they stay), then reads the settings back. */
export async function setCheckSuite(
  ctx: ServiceContext,
  repo: string,
  change: CheckSuiteSettingsInput,
  signal?: AbortSignal,
): Promise<CheckSuiteUpdateResult> {
  const changed = checkChange(change)
  const ref = await repoRef(ctx, repo)
  const client = ctx.client()
  const orgId = ctx.orgId()
  const response = await putCheckSuiteSettings(client, orgId, ref.id, changed, signal)
  const settings = await getCheckSuiteSettings(client, orgId, ref.id, signal)
  return {repo: ref, changed, response, settings}
}

/** `name=value` pairs (`--retry lint=2`, `--prompt lint="..."`) into a record; anything else is refused. */
export function parsePairs<T>(
  pairs: string[] | undefined,
  what: string,
  value: (raw: string, name: string) => T,
): Record<string, T> | undefined {
  if (!pairs?.length) return undefined
  const out: Record<string, T> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    const name = eq > 0 ? pair.slice(0, eq).trim() : ''
    if (!name) throw usageError(`${what} takes CHECK=VALUE, got ${JSON.stringify(pair)}.`)
    out[name] = value(pair.slice(eq + 1), name)
  }
  return out
}

/** `a,b,c` (repeatable) into a list; an empty value clears the list. */
export function parseList(values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined
  return values
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean)
}
