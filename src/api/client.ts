import http from 'node:http'
import https from 'node:https'
import type {Got} from 'got'
import type * as z from 'zod/mini'
import {CodegenError, kindForStatus, type NextStep} from './errors.js'
import {RateLimiter, sleep, type Bucket} from './rate-limiter.js'
import {redactSecret} from './redact.js'
import * as S from './schemas.js'

export type DebugLog = (line: string) => void

export interface ClientOptions {
  baseUrl: string
  token: string
  userAgent: string
  /** Per attempt; kept below the 45 s MCP hosts allow a tool call. */
  timeoutMs?: number
  maxRetries?: number
  retryBaseMs?: number
  /** A Retry-After longer than this is not waited for: the call fails with a rate-limit error. */
  maxRetryAfterMs?: number
  limiter?: RateLimiter
  debug?: DebugLog
  /** Told before each wait and retry, and why, so that a front-end can say so (waits are never silent). */
  notice?: (wait: RetryNotice) => void
}

export interface RetryNotice {
  endpoint: string
  /** The attempt about to be made (1 for a first request held by the limiter). */
  attempt: number
  waitMs: number
  /** 'rate_limit' (429, or the client-side limiter), 'unavailable' (502/503/504), 'network'. */
  cause: 'rate_limit' | 'unavailable' | 'network'
  /** For --debug: e.g. "HTTP 429, Retry-After 8 s", "ECONNRESET", "60 requests per 30 s reached". */
  reason: string
}

/**
 * `idempotent`: safe to send again after any transient failure.
 * `create` / `resume`: sending twice may start or resume a paid agent run twice, so they are repeated
 * only when the server certainly did not act (a 429, or a connection that was never established), and
 * any answer that does not say what happened is an unknown outcome, never a plain failure.
 */
type RetryPolicy = 'idempotent' | 'create' | 'resume'

/** Set while a create or resume is on the wire: stopping then no longer un-sends it. */
export interface Flight {
  sending: boolean
}

/** How a create or resume is sent: `signal` stops it while it waits (limiter, backoff), never once it is on the wire. */
export interface SendOptions {
  signal?: AbortSignal
  /** Cuts the request even on the wire (the outcome is then unknown). */
  cut?: AbortSignal
  flight?: Flight
}

export interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH'
  path: string
  query?: Record<string, string | number | boolean | null | undefined>
  body?: unknown
  schema: z.ZodMiniType<T>
  bucket?: Bucket
  policy?: RetryPolicy
  signal?: AbortSignal
  cut?: AbortSignal
  flight?: Flight
}

// Errors raised before a single byte reached the server: retrying cannot duplicate anything.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'])
// Refused by Node before anything was sent, and refused again on every try: a header value (the
// token) with a character HTTP does not allow.
const LOCAL_CODES = new Set(['ERR_INVALID_CHAR', 'ERR_INVALID_HEADER_VALUE'])
const RETRYABLE_CODES = new Set([...NOT_SENT_CODES, 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ESOCKETTIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE'])
const RETRYABLE_STATUS = new Set([429, 502, 503, 504])
// A gateway's answer, not the API's: the request may have reached the API and been acted on.
const GATEWAY_STATUS = new Set([502, 504])

let gotPromise: Promise<Got> | undefined
// got is imported on first request, so `--version`, `--help` and config commands never pay for it.
const loadGot = () => (gotPromise ??= import('got').then((m) => m.default))

const agents = {
  http: new http.Agent({keepAlive: true}),
  https: new https.Agent({keepAlive: true}),
}

export class CodegenClient {
  readonly baseUrl: string
  private readonly opts: Required<Omit<ClientOptions, 'debug' | 'notice'>> & Pick<ClientOptions, 'debug' | 'notice'>

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined && !Number.isNaN(v)))
    this.opts = {
      timeoutMs: 30_000,
      maxRetries: 4,
      retryBaseMs: 300,
      maxRetryAfterMs: 60_000,
      limiter: new RateLimiter(),
      ...(given as ClientOptions),
    }
  }

  get limiter(): RateLimiter {
    return this.opts.limiter
  }

  // --- endpoints (one method per operation in the contract) ---------------------------------

  me(signal?: AbortSignal) {
    return this.request({method: 'GET', path: '/v1/users/me', schema: S.UserSchema(), signal})
  }

  organizations(page: {skip?: number; limit?: number} = {}) {
    return this.request({method: 'GET', path: '/v1/organizations', query: page, schema: S.OrganizationPageSchema()})
  }

  users(orgId: number, page: {skip?: number; limit?: number} = {}) {
    return this.request({method: 'GET', path: `/v1/organizations/${orgId}/users`, query: page, schema: S.UserPageSchema()})
  }

  user(orgId: number, userId: number) {
    return this.request({method: 'GET', path: `/v1/organizations/${orgId}/users/${userId}`, schema: S.UserSchema()})
  }

  repos(orgId: number, page: {skip?: number; limit?: number} = {}) {
    return this.request({method: 'GET', path: `/v1/organizations/${orgId}/repos`, query: page, schema: S.RepoPageSchema()})
  }

  createRun(orgId: number, input: S.CreateAgentRunInput, send: SendOptions = {}) {
    return this.request({
      method: 'POST',
      path: `/v1/organizations/${orgId}/agent/run`,
      body: input,
      schema: S.AgentRunSchema(),
      bucket: 'create',
      policy: 'create',
      ...send,
    })
  }

  resumeRun(orgId: number, input: S.ResumeAgentRunInput, send: SendOptions = {}) {
    return this.request({
      method: 'POST',
      path: `/v1/organizations/${orgId}/agent/run/resume`,
      body: input,
      schema: S.AgentRunSchema(),
      policy: 'resume',
      ...send,
    })
  }

  run(orgId: number, runId: number, signal?: AbortSignal) {
    return this.request({method: 'GET', path: `/v1/organizations/${orgId}/agent/run/${runId}`, schema: S.AgentRunSchema(), signal})
  }

  runs(orgId: number, query: {user_id?: number; source_type?: string; skip?: number; limit?: number} = {}, signal?: AbortSignal) {
    return this.request({method: 'GET', path: `/v1/organizations/${orgId}/agent/runs`, query, schema: S.AgentRunPageSchema(), signal})
  }

  logs(orgId: number, runId: number, query: {skip?: number; limit?: number; reverse?: boolean} = {}, signal?: AbortSignal) {
    return this.request({
      method: 'GET',
      path: `/v1/alpha/organizations/${orgId}/agent/run/${runId}/logs`,
      query,
      schema: S.AgentRunWithLogsSchema(),
      bucket: 'logs',
      signal,
    })
  }

  // --- transport ------------------------------------------------------------------------------

  async request<T>(spec: RequestSpec<T>): Promise<T> {
    const got = await loadGot()
    const {method, path, bucket = 'standard', policy = method === 'GET' ? 'idempotent' : 'create'} = spec
    const unsafe = policy !== 'idempotent'
    const endpoint = `${method} ${path}`
    const url = this.baseUrl + path
    const searchParams = Object.fromEntries(
      Object.entries(spec.query ?? {}).filter(([, v]) => v !== undefined && v !== null) as [string, string | number | boolean][],
    )
    const {debug, notice} = this.opts
    // Why the next attempt is made, when the limiter's wait carries it (a 429's Retry-After).
    let pending: Pick<RetryNotice, 'cause' | 'reason'> | undefined

    for (let attempt = 1; ; attempt++) {
      const held = this.opts.limiter.delayFor(bucket)
      if (held > 0 || pending)
        notice?.({endpoint, attempt, waitMs: held, ...(pending ?? {cause: 'rate_limit', reason: `the ${bucket} request budget is spent`})})
      pending = undefined
      await this.opts.limiter.acquire(bucket, spec.signal)
      // Stopped while it waited: nothing was sent.
      if (spec.signal?.aborted) throw abortReason(spec.signal)
      const started = Date.now()
      debug?.(
        `--> ${endpoint}${Object.keys(searchParams).length ? `?${new URLSearchParams(searchParams as Record<string, string>).toString()}` : ''}${attempt > 1 ? ` (attempt ${attempt})` : ''}`,
      )
      let statusCode: number
      let rawBody: string
      let retryAfter: string | undefined
      if (spec.flight) spec.flight.sending = true
      try {
        const res = await got(url, {
          method,
          searchParams,
          json: spec.body,
          headers: {
            authorization: `Bearer ${this.opts.token}`,
            'user-agent': this.opts.userAgent,
            accept: 'application/json',
          },
          timeout: {request: this.opts.timeoutMs},
          retry: {limit: 0},
          throwHttpErrors: false,
          followRedirect: false,
          agent: agents,
          // A create or resume on the wire is not cut off: its answer says whether a run started.
          signal: unsafe ? spec.cut : spec.signal,
          responseType: 'text',
        })
        // The server counted it before this answer: the limiter counts it from now on (rate-limiter.ts).
        this.opts.limiter.answered(bucket)
        statusCode = res.statusCode
        // Whatever the API echoes of the token is masked here, before any error, result or log sees it.
        rawBody = redactSecret(res.body, this.opts.token)
        retryAfter = res.headers['retry-after']
      } catch (error) {
        this.opts.limiter.answered(bucket, true)
        const err = error as Error & {code?: string; name: string}
        if (!unsafe && spec.signal?.aborted) throw abortReason(spec.signal)
        const code = err.code ?? err.name
        const timedOut = err.name === 'TimeoutError' || code === 'ETIMEDOUT'
        debug?.(`<-- ${endpoint} failed after ${Date.now() - started} ms: ${code}`)
        if (LOCAL_CODES.has(code)) {
          throw new CodegenError(
            'config',
            `${endpoint} was not sent: a request header (the API token) holds a character HTTP does not allow (${code}).`,
            {
              endpoint,
              next: {kind: 'fix_token'},
            },
          )
        }
        const notSent = NOT_SENT_CODES.has(code)
        const mayRetry = unsafe ? notSent : RETRYABLE_CODES.has(code) || timedOut
        if (mayRetry && attempt <= this.opts.maxRetries) {
          const waitMs = this.backoff(attempt)
          notice?.({endpoint, attempt: attempt + 1, waitMs, cause: 'network', reason: timedOut ? 'timeout' : code})
          await sleep(waitMs, spec.signal)
          continue
        }
        if (unsafe && spec.cut?.aborted) throw unknownOutcome(policy, endpoint, `Stopped after ${endpoint} was sent`)
        if (unsafe && !notSent) {
          throw unknownOutcome(
            policy,
            endpoint,
            `The connection failed after ${endpoint} was sent (${timedOut ? `no answer within ${this.opts.timeoutMs / 1000} s` : code})`,
          )
        }
        if (timedOut) {
          throw new CodegenError(
            'network',
            `The Codegen API did not answer ${endpoint} within ${this.opts.timeoutMs / 1000} s (timeout).`,
            {
              endpoint,
              next: {kind: 'raise_timeout'},
            },
          )
        }
        throw new CodegenError('network', `Could not reach the Codegen API at ${this.baseUrl} (${code}).`, {
          endpoint,
          next: {kind: 'check_network'},
        })
      } finally {
        if (spec.flight) spec.flight.sending = false
      }

      debug?.(`<-- ${statusCode} ${endpoint} (${Date.now() - started} ms, ${rawBody.length} bytes)`)

      if (statusCode >= 200 && statusCode < 300) {
        if (!unsafe) return this.parse(spec.schema, rawBody, endpoint, statusCode)
        try {
          return this.parse(spec.schema, rawBody, endpoint, statusCode)
        } catch (error) {
          // The API said yes but the answer cannot be read: the run exists, its id is not known.
          throw unknownOutcome(
            policy,
            endpoint,
            `The API accepted ${endpoint} (HTTP ${statusCode}) but its answer cannot be read`,
            (error as CodegenError).detail,
          )
        }
      }

      if (unsafe && (GATEWAY_STATUS.has(statusCode) || (statusCode >= 500 && !isApiErrorBody(rawBody)))) {
        throw unknownOutcome(policy, endpoint, `A gateway answered ${endpoint} with HTTP ${statusCode}${describeBody(rawBody)}`)
      }

      const retryAfterMs = parseRetryAfter(retryAfter)
      if (statusCode === 429) this.opts.limiter.block(bucket, retryAfterMs ?? this.backoff(attempt))
      const retryable = statusCode === 429 || (!unsafe && RETRYABLE_STATUS.has(statusCode))
      if (retryable && attempt <= this.opts.maxRetries && (retryAfterMs ?? 0) <= this.opts.maxRetryAfterMs) {
        const reason = `HTTP ${statusCode}${retryAfter ? `, Retry-After ${retryAfter}` : ''}`
        // The limiter already holds the bucket for Retry-After on a 429: the notice comes with that wait.
        if (statusCode === 429) {
          pending = {cause: 'rate_limit', reason}
          continue
        }
        const waitMs = retryAfterMs ?? this.backoff(attempt)
        notice?.({endpoint, attempt: attempt + 1, waitMs, cause: 'unavailable', reason})
        await sleep(waitMs, spec.signal)
        continue
      }
      throw this.httpError(statusCode, rawBody, endpoint, retryAfterMs)
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(8_000, this.opts.retryBaseMs * 2 ** (attempt - 1))
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2))
  }

  private parse<T>(schema: z.ZodMiniType<T>, raw: string, endpoint: string, status: number): T {
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      throw new CodegenError(
        'unexpected_response',
        `The API answered ${endpoint} with HTTP ${status} but the body is not JSON${describeBody(raw)}.`,
        {
          endpoint,
          status,
          detail: raw.slice(0, 500),
        },
      )
    }
    const parsed = schema.safeParse(json)
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
      this.opts.debug?.(`contract mismatch on ${endpoint}: ${issues}`)
      throw new CodegenError(
        'unexpected_response',
        `The API answered ${endpoint} unexpectedly: the response does not match the Codegen API contract.`,
        {
          endpoint,
          status,
          detail: issues,
          next: {kind: 'debug'},
        },
      )
    }
    return parsed.data
  }

  private httpError(status: number, raw: string, endpoint: string, retryAfterMs?: number): CodegenError {
    let apiMessage: string | undefined
    try {
      const body = S.ErrorBodySchema().safeParse(JSON.parse(raw))
      if (body.success) apiMessage = body.data.message ?? formatDetail(body.data.detail)
    } catch {
      apiMessage = undefined
    }
    const said = apiMessage ? `: ${apiMessage}` : describeBody(raw)
    const kind = kindForStatus(status)
    const hints: Partial<Record<number, string>> = {
      402: 'The plan limit for agent runs is reached: upgrade the plan or wait for the next billing period.',
      429: retryAfterMs ? `The API asks to wait ${Math.ceil(retryAfterMs / 1000)} s before trying again.` : 'Wait a little and try again.',
    }
    const next: NextStep | undefined = status === 401 ? {kind: 'login'} : status === 403 ? {kind: 'check_org'} : undefined
    const what =
      status === 429
        ? 'Rate limit reached'
        : status === 401
          ? 'Authentication failed'
          : status === 403
            ? 'Permission denied'
            : 'The API refused'
    return new CodegenError(kind, `${what} on ${endpoint} (HTTP ${status})${said}`, {status, endpoint, hint: hints[status], next})
  }
}

/** A create or resume that may have been acted on: the caller looks for the run or says how to check. */
function unknownOutcome(policy: RetryPolicy, endpoint: string, why: string, detail?: string): CodegenError {
  return policy === 'resume'
    ? new CodegenError(
        'maybe_resumed',
        `${why}: the agent run may have been resumed. It was not sent again, so that it is not resumed twice.`,
        {endpoint, detail},
      )
    : new CodegenError(
        'maybe_created',
        `${why}: the agent run may have been created. It was not sent again, so that no second run is started.`,
        {endpoint, detail},
      )
}

/** The API's own JSON error (FastAPI `detail`/`message`), as opposed to a proxy's page. */
function isApiErrorBody(raw: string): boolean {
  try {
    const body = S.ErrorBodySchema().safeParse(JSON.parse(raw))
    return body.success && (body.data.detail !== undefined || body.data.message !== undefined)
  } catch {
    return false
  }
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason
  return reason instanceof Error ? reason : new CodegenError('interrupted', 'Stopped before the request was sent.')
}

function describeBody(raw: string): string {
  const trimmed = raw.trim()
  if (!trimmed) return ' (empty body)'
  if (/^<(!doctype|html)/i.test(trimmed)) return ' (an HTML page)'
  return ''
}

/** FastAPI's `detail`: a string, or a list of `{loc, msg}` validation errors shown one per field. */
export function formatDetail(detail: S.ErrorBody['detail']): string | undefined {
  if (detail === undefined) return undefined
  if (typeof detail === 'string') return detail
  if (Array.isArray(detail)) {
    return detail
      .map((d) => {
        const loc = (d.loc ?? []).filter((p) => p !== 'body' && p !== 'query' && p !== 'path').join('.')
        return loc ? `${loc}: ${d.msg ?? 'invalid'}` : (d.msg ?? 'invalid')
      })
      .join('; ')
  }
  return JSON.stringify(detail)
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}
