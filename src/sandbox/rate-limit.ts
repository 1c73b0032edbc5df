// Sliding-window limits per token and category, with the API's published numbers as defaults.
import type {RateLimitConfig, RateLimitRule} from './types.js'

export type RateCategory = 'standard' | 'create' | 'logs' | 'setup_commands' | 'pr_edit'

export const PUBLISHED_LIMITS: Required<RateLimitConfig> = {
  standard: {limit: 60, windowMs: 30_000},
  create: {limit: 10, windowMs: 60_000},
  logs: {limit: 60, windowMs: 60_000},
  setup_commands: {limit: 5, windowMs: 60_000},
  pr_edit: {limit: 30, windowMs: 60_000},
}

export class RateLimiter {
  private readonly rules: Required<RateLimitConfig>
  private readonly hits = new Map<string, number[]>()

  constructor(config: RateLimitConfig = {}) {
    this.rules = {...PUBLISHED_LIMITS, ...config}
  }

  /** Counts the request and returns 0, or returns the seconds to wait (the request is not counted). */
  check(token: string, category: RateCategory, now = Date.now()): number {
    const rule: RateLimitRule = this.rules[category]
    const key = `${category}\u0000${token}`
    const hits = (this.hits.get(key) ?? []).filter((t) => t > now - rule.windowMs)
    this.hits.set(key, hits)
    if (hits.length >= rule.limit) return Math.max(1, Math.ceil((hits[0] + rule.windowMs - now) / 1000))
    hits.push(now)
    return 0
  }

  reset(): void {
    this.hits.clear()
  }
}
