import {usageError} from '../api/errors.js'

// Validation rules shared by flags, env, config files and MCP arguments: written once, here.

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
