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

/** Sliding-window limiter: remembers when each recent request was sent, per bucket. */
export class RateLimiter {
  private readonly sent = new Map<Bucket, number[]>()
  private readonly blockedUntil = new Map<Bucket, number>()

  private readonly limits: Record<Bucket, {limit: number; windowMs: number}>

  /** Buckets left out keep the API's published limits. */
  constructor(limits: Partial<Record<Bucket, {limit: number; windowMs: number}>> = {}) {
    this.limits = {...API_LIMITS, ...limits}
  }

  /** How long a request in this bucket would have to wait now (0 = go). */
  delayFor(bucket: Bucket, now = Date.now()): number {
    const {limit, windowMs} = this.limits[bucket]
    const times = this.prune(bucket, now)
    const blocked = Math.max(0, (this.blockedUntil.get(bucket) ?? 0) - now)
    const windowWait = times.length < limit ? 0 : times[times.length - limit] + windowMs - now
    return Math.max(blocked, windowWait)
  }

  /** Requests still allowed in the current window: the monitor uses it to decide how much to poll. */
  remaining(bucket: Bucket, now = Date.now()): number {
    if ((this.blockedUntil.get(bucket) ?? 0) > now) return 0
    return Math.max(0, this.limits[bucket].limit - this.prune(bucket, now).length)
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

  private prune(bucket: Bucket, now: number): number[] {
    const {windowMs} = this.limits[bucket]
    let times = this.sent.get(bucket)
    if (!times) this.sent.set(bucket, (times = []))
    while (times.length > 0 && times[0] <= now - windowMs) times.shift()
    return times
  }
}
