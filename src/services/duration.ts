import {usageError} from '../api/errors.js'

/**
 * Node's timers fire after 1 ms for anything longer than this (TimeoutOverflowWarning): every duration
 * that comes from a flag or an environment variable is refused above it (about 24 days).
 */
export const MAX_TIMER_MS = 2_147_483_647

const UNITS = {ms: 1, s: 1000, m: 60_000, h: 3_600_000} as const

const MAX_TEXT = `${Math.floor(MAX_TIMER_MS / 3_600_000)}h`

/**
 * "90s", "30m", "2h", "1h30m", "500ms" -> milliseconds. One rule: a unit is required (a bare "2" is
 * refused, not guessed as seconds), the total must be above 0 and at most MAX_TIMER_MS.
 */
export function parseDuration(input: string, what = '--timeout'): number {
  const text = input.trim().toLowerCase()
  if (/^\d+$/.test(text) && Number(text) > 0) {
    throw usageError(`${what} needs a unit: ${text}s, ${text}m or ${text}h? Got ${JSON.stringify(input)}.`)
  }
  let total = 0
  let consumed = ''
  for (const match of text.matchAll(/(\d+)(ms|s|m|h)/g)) {
    total += Number(match[1]) * UNITS[match[2] as keyof typeof UNITS]
    consumed += match[0]
  }
  if (!text || consumed !== text || total <= 0)
    throw usageError(`${what} must be a duration above 0 such as 90s, 30m or 2h, got ${JSON.stringify(input)}.`)
  if (total > MAX_TIMER_MS) throw usageError(`${what} can be at most ${MAX_TEXT}, got ${JSON.stringify(input)}.`)
  return total
}

interface EnvNumberRule {
  /** What the number counts: the value is multiplied into milliseconds. */
  unit: 'ms' | 's'
  min: number
  max: number
  meaning: string
}

/**
 * Every numeric environment variable, with its range: one parser, and a bad value is a usage error
 * (exit 2) before anything is sent, as a bad flag is. Nothing is silently replaced by a default.
 */
export const ENV_NUMBERS = {
  CODEGEN_API_TIMEOUT: {unit: 's', min: 1, max: Math.floor(MAX_TIMER_MS / 1000), meaning: 'the per-request timeout in seconds'},
  CODEGENAPI_POLL_MS: {unit: 'ms', min: 10, max: 3_600_000, meaning: 'the --wait poll interval in milliseconds'},
  CODEGENAPI_MONITOR_INTERVAL_MS: {unit: 'ms', min: 10, max: 3_600_000, meaning: 'the watch poll interval in milliseconds'},
  CODEGENAPI_RETRY_BASE_MS: {unit: 'ms', min: 1, max: 60_000, meaning: 'the first retry delay in milliseconds'},
  CODEGENAPI_TOOL_DEADLINE_MS: {unit: 'ms', min: 100, max: 45_000, meaning: 'the MCP tool-call deadline in milliseconds'},
  CODEGENAPI_SANDBOX_RUN_MS: {unit: 'ms', min: 100, max: 3_600_000, meaning: 'how long a sandbox run takes, in milliseconds'},
} as const satisfies Record<string, EnvNumberRule>
export type EnvNumberName = keyof typeof ENV_NUMBERS

/** The variable in milliseconds, undefined when it is unset or empty; a bad value throws a usage error. */
export function envMs(env: NodeJS.ProcessEnv, name: EnvNumberName): number | undefined {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return undefined
  const rule: EnvNumberRule = ENV_NUMBERS[name]
  const text = raw.trim()
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < rule.min || n > rule.max) {
    throw usageError(`${name} must be a whole number from ${rule.min} to ${rule.max} (${rule.meaning}), got ${JSON.stringify(raw)}.`)
  }
  return n * UNITS[rule.unit]
}

/** Checks every numeric variable at once (a command's start): the first bad one is the error. */
export function checkEnvNumbers(env: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(ENV_NUMBERS) as EnvNumberName[]) envMs(env, name)
}
