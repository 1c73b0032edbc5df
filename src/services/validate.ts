import {usageError} from '../api/errors.js'

// Validation rules shared by flags, env, config files and MCP arguments: written once, here.

/** The largest id the API takes (its ids are 32-bit integers). */
export const MAX_API_ID = 2_147_483_647

/** What a new run may carry: the CLI and the MCP tools check against these same numbers. */
export const NEW_RUN_LIMITS = {
  prompt: 100_000,
  model: 100,
  branch: 250,
  repo: 200,
  taskLabel: 40,
  metadataKey: 100,
  metadataValue: 1000,
  metadataEntries: 50,
} as const

/**
 * A text input that was given (not undefined): it must hold something, and at most `max` characters.
 * An empty value is never taken as "not given": `--repo "$UNSET"` must not start a run without one.
 */
export function checkText(value: string, what: string, max: number): string {
  const text = value.trim()
  if (!text) throw usageError(`${what} is empty.`)
  if (text.length > max) throw usageError(`${what} is ${text.length} characters; the limit is ${max}.`)
  return text
}

/** An optional text filter: undefined stays undefined, an empty one is refused. */
export function optionalText(value: string | undefined, what: string, max = 1000): string | undefined {
  return value === undefined ? undefined : checkText(value, what, max)
}

/** An id the API can hold: a positive integer up to MAX_API_ID. */
export function parseApiId(value: unknown, what: string): number {
  const id = parsePositiveInt(value, what)
  if (id > MAX_API_ID) throw usageError(`${what} must be at most ${MAX_API_ID}, got ${id}.`)
  return id
}

export function parsePositiveInt(value: unknown, what: string): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : ''
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw usageError(`${what} must be a positive integer, got ${JSON.stringify(value)}.`)
  }
  return Number(text)
}

export function parseBaseUrl(value: string, what = 'base-url'): string {
  let url: URL
  try {
    url = new URL(value.trim())
  } catch {
    throw usageError(`${what} must be an http(s) URL, got ${JSON.stringify(value)}.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`${what} must be an http(s) URL, got ${JSON.stringify(value)}.`)
  }
  if (url.username || url.password) throw usageError(`${what} must not contain credentials.`)
  return url.origin + url.pathname.replace(/\/+$/, '')
}

export function parseToken(value: string): string {
  const token = value.trim()
  if (!token) throw usageError('The API token is empty.')
  if (/\s/.test(token)) throw usageError('The API token must not contain spaces or line breaks.')
  // It travels in an HTTP header, where control characters (and most non-ASCII) cannot: refused here,
  // not as a "network" error later.
  if (/[^\x21-\x7e]/.test(token)) throw usageError('The API token must hold only printable ASCII characters (no control characters).')
  return token
}

// How a token is shown is the redaction module's rule.
export {maskSecret} from '../api/redact.js'
