// The API's published limits (see contract/README.md). Every request in a process goes through one
// limiter, so the CLI, the MCP tools and the run monitor together stay under them.
export type Bucket = 'standard' | 'create' | 'logs' | 'setup_commands' | 'pr_edit'

export const API_LIMITS: Record<Bucket, {limit: number; windowMs: number}> = {
  standard: {limit: 60, windowMs: 30_000},
  create: {limit: 10, windowMs: 60_000},
  logs: {limit: 60, windowMs: 60_000},
  // Limits the contract states on the operations themselves.
  setup_commands: {limit: 5, windowMs: 60_000},
  pr_edit: {limit: 30, windowMs: 60_000},
}

/** Why a wait was stopped: the signal's reason when it is an Error (an MCP deadline, Ctrl-C). */
const stopped = (signal: AbortSignal): Error => {
  const reason: unknown = signal.reason
  return reason instanceof Error ? reason : new Error('The operation was aborted.')
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(stopped(signal))
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(stopped(signal!))
    }
    signal?.addEventListener('abort', onAbort, {once: true})
  })
export {sleep}

/**
 * A window is counted this much longer than the API's: a request's time here is when it left, the
 * server's is when it arrived, and a late arrival must not make the server see one request too many.
 */
export const WINDOW_GUARD_MS = 500

/**
 * Requests of each window that background work (the run monitor) never takes: they stay free for
 * calls made in the foreground (an assistant's tool call, a command in another terminal on the same
 * token). Six of the standard 60: a burst of five or six one-request tool calls goes at once.
 */
export const FOREGROUND_RESERVE: Record<Bucket, number> = {standard: 6, create: 10, logs: 6, setup_commands: 5, pr_edit: 30}

/**
 * At most this many background requests in a row after a quiet spell; then they are spread evenly.
 * The bucket's rate is what is left of the share, so that no window ever holds more than the share:
 * a bigger burst would run into the window later and stall the monitor for seconds.
 */
export const BACKGROUND_BURST = 2

/** A token bucket: `capacity` tokens, one added every `1 / perMs` milliseconds. */
export class TokenBucket {
  private tokens: number
  private at: number

  constructor(
    readonly capacity: number,
    private perMs: number,
    now = Date.now(),
  ) {
    this.tokens = capacity
    this.at = now
  }

  /** A new refill rate from now on (what was added so far stays). */
  setRate(perMs: number, now = Date.now()): void {
    this.refill(now)
    this.perMs = perMs
  }

  /** Milliseconds until a token is there (0 = now). */
  delay(now = Date.now()): number {
    this.refill(now)
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.perMs)
  }

  /** Takes a token if there is one. */
  take(now = Date.now()): boolean {
    this.refill(now)
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + Math.max(0, now - this.at) * this.perMs)
    this.at = Math.max(this.at, now)
  }
}

/**
 * Sliding-window limiter: remembers when each recent request was sent, per bucket, and never lets more
 * through than the API allows in any window. Foreground calls (tool calls, commands) may use the whole
 * window. Background work asks `backgroundDelay` first: it is paced by a token bucket (so a burst of
 * work is spread over the window instead of spending it at once) and never takes the reserve, so a
 * foreground call that waits is always first to get a request the window frees.
 */
export class RateLimiter {
  private readonly sent = new Map<Bucket, number[]>()
  private readonly blockedUntil = new Map<Bucket, number>()
  private readonly paced = new Map<Bucket, TokenBucket>()
  /** When each recent background request was sent (they are in `sent` too). */
  private readonly background = new Map<Bucket, number[]>()

  private readonly limits: Record<Bucket, {limit: number; windowMs: number}>

  /** Buckets left out keep the API's published limits. */
  constructor(limits: Partial<Record<Bucket, {limit: number; windowMs: number}>> = {}) {
    this.limits = {...API_LIMITS, ...limits}
  }

  /** How long a request in this bucket would have to wait now (0 = go). */
  delayFor(bucket: Bucket, now = Date.now()): number {
    return Math.max(this.blocked(bucket, now), this.windowWait(bucket, this.limits[bucket].limit, now))
  }

  /** Requests still allowed in the current window. */
  remaining(bucket: Bucket, now = Date.now()): number {
    if (this.blocked(bucket, now) > 0) return 0
    return Math.max(0, this.limits[bucket].limit - this.prune(bucket, now).length)
  }

  /** The most background requests in any window: the limit less the foreground reserve. */
  backgroundShare(bucket: Bucket): number {
    const {limit} = this.limits[bucket]
    return Math.max(1, limit - Math.min(FOREGROUND_RESERVE[bucket], Math.floor(limit / 2)))
  }

  /** How long background work must wait before its next request in this bucket (0 = go, then call takeBackground). */
  backgroundDelay(bucket: Bucket, now = Date.now()): number {
    return Math.max(
      this.blocked(bucket, now),
      this.windowWait(bucket, this.backgroundShare(bucket), now),
      this.pace(bucket, now).delay(now),
    )
  }

  /** Takes the background token for a request about to be sent (through acquire, as every request). */
  takeBackground(bucket: Bucket, now = Date.now()): boolean {
    if (this.backgroundDelay(bucket, now) > 0 || !this.pace(bucket, now).take(now)) return false
    let times = this.background.get(bucket)
    if (!times) this.background.set(bucket, (times = []))
    times.push(now)
    return true
  }

  async acquire(bucket: Bucket, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = this.delayFor(bucket)
      if (wait <= 0) break
      await sleep(wait + 5, signal)
    }
    this.sent.get(bucket)!.push(Date.now())
  }

  /** The server said 429: hold the whole bucket until Retry-After has passed. */
  block(bucket: Bucket, ms: number): void {
    this.blockedUntil.set(bucket, Math.max(this.blockedUntil.get(bucket) ?? 0, Date.now() + ms))
  }

  private blocked(bucket: Bucket, now: number): number {
    return Math.max(0, (this.blockedUntil.get(bucket) ?? 0) - now)
  }

  /** Wait until fewer than `allowed` requests are in the window. */
  private windowWait(bucket: Bucket, allowed: number, now: number): number {
    const times = this.prune(bucket, now)
    return times.length < allowed ? 0 : times[times.length - allowed] + this.window(bucket) - now
  }

  /**
   * The background share spread evenly over the window, with a small burst: burst + rate x window =
   * the share less what foreground calls took in the window, so that the window never fills and
   * stalls background work for seconds; it slows down smoothly instead.
   */
  private pace(bucket: Bucket, now: number): TokenBucket {
    const share = this.backgroundShare(bucket)
    const burst = Math.min(BACKGROUND_BURST, Math.ceil(share / 2))
    let pace = this.paced.get(bucket)
    if (!pace) this.paced.set(bucket, (pace = new TokenBucket(burst, 0, now)))
    const background = this.background.get(bucket) ?? []
    while (background.length > 0 && background[0] <= now - this.window(bucket)) background.shift()
    const foreground = Math.max(0, this.prune(bucket, now).length - background.length)
    pace.setRate(Math.max(1, share - burst - foreground) / this.window(bucket), now)
    return pace
  }

  private window(bucket: Bucket): number {
    const {windowMs} = this.limits[bucket]
    return windowMs + Math.min(WINDOW_GUARD_MS, windowMs / 20)
  }

  private prune(bucket: Bucket, now: number): number[] {
    let times = this.sent.get(bucket)
    if (!times) this.sent.set(bucket, (times = []))
    const windowMs = this.window(bucket)
    while (times.length > 0 && times[0] <= now - windowMs) times.shift()
    return times
  }
}
