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
 * A request that failed without an answer is counted this much longer than the API's window: the
 * server may have taken it at any moment until then (a request that was answered is counted from its
 * answer, which came after the server counted it, so it needs no margin).
 */
export const WINDOW_GUARD_MS = 500

/**
 * Requests of each window that background work (the run monitor) never takes, whatever foreground
 * calls are doing: they cover a `codegenapi` command in another terminal on the same token (it has a
 * limiter of its own) and the first calls of a burst. On top of it, the reserve grows by what
 * foreground calls recently needed (see RateLimiter.reserve).
 */
export const FOREGROUND_RESERVE: Record<Bucket, number> = {standard: 2, create: 10, logs: 2, setup_commands: 5, pr_edit: 30}

/** Foreground requests sent within this span of each other count as one burst (one tool call, or several at once). */
export const FOREGROUND_BURST_MS = 2000

/**
 * Background requests in a row after a quiet spell. One: the bucket's rate is then the whole share,
 * spread evenly; a larger burst would have to be taken off the rate (or run into the window later).
 */
export const BACKGROUND_BURST = 1

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
 * Sliding-window limiter: remembers, per bucket, the recent requests and never lets more through than
 * the API allows in any window. A request counts from when it is sent; once answered, it counts for a
 * window from its answer (the server took it before that), so no margin for the network is needed.
 * Foreground calls (tool calls, commands) may use the whole window. Background work asks
 * `backgroundDelay` first: it is paced by a token bucket (so a burst of work is spread over the window
 * instead of spending it at once) and never takes the reserve, so a foreground call that waits is
 * always first to get a request the window frees. The reserve adapts: a small fixed part, plus what
 * foreground calls recently needed at once.
 */
export class RateLimiter {
  /** When each answered request counts from (its answer; a failure's end plus the guard), oldest first. */
  private readonly sent = new Map<Bucket, number[]>()
  /** When each request not answered yet was sent. */
  private readonly flying = new Map<Bucket, number[]>()
  /** When each recent foreground request was sent. */
  private readonly foreground = new Map<Bucket, number[]>()
  /** Background tokens taken whose request has not reached acquire() yet. */
  private readonly pendingBackground = new Map<Bucket, number[]>()
  /** Foreground calls waiting in acquire() now. */
  private readonly waitingForeground = new Map<Bucket, number>()
  private readonly blockedUntil = new Map<Bucket, number>()
  private readonly paced = new Map<Bucket, TokenBucket>()

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
    return Math.max(0, this.limits[bucket].limit - this.inWindow(bucket, now).length)
  }

  /**
   * The requests of the window background work leaves free: the fixed reserve, plus the most
   * foreground requests sent within FOREGROUND_BURST_MS of each other in the last window (or waiting
   * now), so that a burst of tool calls like the last one goes at once. At most half the window.
   */
  reserve(bucket: Bucket, now = Date.now()): number {
    const {limit} = this.limits[bucket]
    const times = this.recentForeground(bucket, now)
    let burst = 0
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i] - times[j] >= FOREGROUND_BURST_MS) j++
      burst = Math.max(burst, i - j + 1)
    }
    const need = Math.max(burst, this.waitingForeground.get(bucket) ?? 0)
    return Math.min(FOREGROUND_RESERVE[bucket] + need, Math.floor(limit / 2))
  }

  /** The most requests (foreground ones included) the window may hold for background work to send: the limit less the reserve. */
  backgroundShare(bucket: Bucket, now = Date.now()): number {
    return Math.max(1, this.limits[bucket].limit - this.reserve(bucket, now))
  }

  /** How long background work must wait before its next request in this bucket (0 = go, then call takeBackground). */
  backgroundDelay(bucket: Bucket, now = Date.now()): number {
    return Math.max(
      this.blocked(bucket, now),
      this.windowWait(bucket, this.backgroundShare(bucket, now), now),
      this.pace(bucket, now).delay(now),
    )
  }

  /** Takes the background token for a request about to be sent (through acquire, as every request). */
  takeBackground(bucket: Bucket, now = Date.now()): boolean {
    if (this.backgroundDelay(bucket, now) > 0 || !this.pace(bucket, now).take(now)) return false
    this.list(this.pendingBackground, bucket).push(now)
    return true
  }

  /** Waits until the bucket has room, then counts the request as sent; answered() ends its flight. */
  async acquire(bucket: Bucket, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = this.delayFor(bucket)
      if (wait <= 0) break
      this.waitingForeground.set(bucket, (this.waitingForeground.get(bucket) ?? 0) + 1)
      try {
        await sleep(wait + 5, signal)
      } finally {
        this.waitingForeground.set(bucket, this.waitingForeground.get(bucket)! - 1)
      }
    }
    const now = Date.now()
    // A background token taken just before is this request's (its request comes straight after, in the same turn).
    const pending = this.list(this.pendingBackground, bucket)
    while (pending.length > 0 && pending[0] < now - PENDING_MS) pending.shift()
    if (pending.length > 0) pending.shift()
    else this.list(this.foreground, bucket).push(now)
    this.list(this.flying, bucket).push(now)
  }

  /**
   * A request sent through acquire() has its answer (or failed without one): it counts for a window
   * from now, or, failed, from now plus WINDOW_GUARD_MS (the server may still have taken it late).
   */
  answered(bucket: Bucket, failed = false, now = Date.now()): void {
    // In flight, every request counts alike: the oldest entry goes (so what stays is counted longest).
    // None left (a request slower than a window and the guard): the answer still counts from now.
    this.list(this.flying, bucket).shift()
    const at = failed ? now + WINDOW_GUARD_MS : now
    const times = this.list(this.sent, bucket)
    let i = times.length
    while (i > 0 && times[i - 1] > at) i--
    times.splice(i, 0, at)
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
    const ends = this.inWindow(bucket, now)
    if (ends.length < allowed) return 0
    // A request in flight may be answered later than its end here: whoever waits asks again then.
    return Math.max(1, ends.sort((a, b) => a - b)[ends.length - allowed] - now)
  }

  /** When each request of the window stops counting: a window after its answer, or (in flight) after it was sent plus the guard. */
  private inWindow(bucket: Bucket, now: number): number[] {
    const {windowMs} = this.limits[bucket]
    const sent = this.list(this.sent, bucket)
    while (sent.length > 0 && sent[0] <= now - windowMs) sent.shift()
    const flying = this.list(this.flying, bucket)
    // Never answered (the caller went away): counted as if the answer came a guard after it was sent.
    while (flying.length > 0 && flying[0] <= now - windowMs - WINDOW_GUARD_MS) flying.shift()
    return [...sent.map((t) => t + windowMs), ...flying.map((t) => t + windowMs + WINDOW_GUARD_MS)]
  }

  private recentForeground(bucket: Bucket, now: number): number[] {
    const times = this.list(this.foreground, bucket)
    while (times.length > 0 && times[0] <= now - this.limits[bucket].windowMs) times.shift()
    return times
  }

  /**
   * The background share spread evenly over the window: the rate is what the share leaves after the
   * foreground requests of the last window (they come back at about that rate), so that the window
   * never fills and stalls background work; it slows down smoothly instead.
   */
  private pace(bucket: Bucket, now: number): TokenBucket {
    let pace = this.paced.get(bucket)
    if (!pace) this.paced.set(bucket, (pace = new TokenBucket(BACKGROUND_BURST, 0, now)))
    const foreground = this.recentForeground(bucket, now).length
    pace.setRate(Math.max(1, this.backgroundShare(bucket, now) - foreground) / this.limits[bucket].windowMs, now)
    return pace
  }

  private list(map: Map<Bucket, number[]>, bucket: Bucket): number[] {
    let times = map.get(bucket)
    if (!times) map.set(bucket, (times = []))
    return times
  }
}

/** How long a background token waits for its request in acquire() (it comes in the same turn). */
const PENDING_MS = 1000
