import {usageError} from '../api/errors.js'

/** "90", "90s", "30m", "2h", "1h30m" -> milliseconds. */
export function parseDuration(input: string, what = '--timeout'): number {
  const text = input.trim().toLowerCase()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const re = /(\d+)(ms|s|m|h)/g
  let total = 0
  let consumed = ''
  for (const match of text.matchAll(re)) {
    total += Number(match[1]) * {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[match[2] as 'ms' | 's' | 'm' | 'h']
    consumed += match[0]
  }
  if (!text || consumed !== text || total <= 0)
    throw usageError(`${what} must be a duration such as 90s, 30m or 2h, got ${JSON.stringify(input)}.`)
  return total
}
