import http from 'node:http'
import https from 'node:https'
import type {Got} from 'got'
import type * as z from 'zod/mini'
import {CodegenError, kindForStatus} from './errors.js'
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
}

/**
 * `idempotent`: safe to send again after any transient failure.
 * `create`: sending twice may start two paid agent runs, so it is repeated only when the server
 * certainly did not act on it (a 429, or a connection that was never established).
 */
type RetryPolicy = 'idempotent' | 'create'

interface RequestSpec<T> {
  method: 'GET' | 'POST'
  path: string
  query?: Record<string, string | number | boolean | null | undefined>
  body?: unknown
  schema: z.ZodMiniType<T>
  bucket?: Bucket
  policy?: RetryPolicy
  signal?: AbortSignal
}

// Errors raised before a single byte reached the server: retrying cannot duplicate anything.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'])
const RETRYABLE_CODES = new Set([...NOT_SENT_CODES, 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ESOCKETTIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE'])
const RETRYABLE_STATUS = new Set([429, 502, 503, 504])

let gotPromise: Promise<Got> | undefined
// got is imported on first request, so `--version`, `--help` and config commands never pay for it.
const loadGot = () => (gotPromise ??= import('got').then((m) => m.default))

const agents = {
  http: new http.Agent({keepAlive: true}),
  https: new https.Agent({keepAlive: true}),
}

export class CodegenClient {
  readonly baseUrl: string
  private readonly opts: Required<Omit<ClientOptions, 'debug'>> & {debug?: DebugLog}

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

  createRun(orgId: number, input: S.CreateAgentRunInput, signal?: AbortSignal) {
    return this.request({
      method: 'POST',
      path: `/v1/organizations/${orgId}/agent/run`,
      body: input,
      schema: S.AgentRunSchema(),
      bucket: 'create',
      policy: 'create',
      signal,
    })
  }

  resumeRun(orgId: number, input: S.ResumeAgentRunInput, signal?: AbortSignal) {
    return this.request({
      method: 'POST',
      path: `/v1/organizations/${orgId}/agent/run/resume`,
      body: input,
      schema: S.AgentRunSchema(),
      policy: 'create',
      signal,
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
    const endpoint = `${method} ${path}`
    const url = this.baseUrl + path
    const searchParams = Object.fromEntries(
      Object.entries(spec.query ?? {}).filter(([, v]) => v !== undefined && v !== null) as [string, string | number | boolean][],
    )
    const {debug} = this.opts

    for (let attempt = 1; ; attempt++) {
      await this.opts.limiter.acquire(bucket, spec.signal)
      const started = Date.now()
      debug?.(
        `--> ${endpoint}${Object.keys(searchParams).length ? '?' + new URLSearchParams(searchParams as Record<string, string>) : ''}${attempt > 1 ? ` (attempt ${attempt})` : ''}`,
      )
      let statusCode: number
      let rawBody: string
      let retryAfter: string | undefined
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
          signal: spec.signal,
          responseType: 'text',
        })
        statusCode = res.statusCode
        // Whatever the API echoes of the token is masked here, before any error, result or log sees it.
        rawBody = redactSecret(res.body, this.opts.token)
        retryAfter = res.headers['retry-after']
      } catch (error) {
        const err = error as Error & {code?: string; name: string}
        if (spec.signal?.aborted) throw spec.signal.reason ?? err
        const code = err.code ?? err.name
        const timedOut = err.name === 'TimeoutError' || code === 'ETIMEDOUT'
        debug?.(`<-- ${endpoint} failed after ${Date.now() - started} ms: ${code}`)
        const notSent = NOT_SENT_CODES.has(code)
        const mayRetry = policy === 'idempotent' ? RETRYABLE_CODES.has(code) || timedOut : notSent
        if (mayRetry && attempt <= this.opts.maxRetries) {
          await sleep(this.backoff(attempt), spec.signal)
          continue
        }
        if (policy === 'create' && !notSent) {
          throw new CodegenError(
            'maybe_created',
            `The connection failed after ${endpoint} was sent (${timedOut ? `no answer within ${this.opts.timeoutMs / 1000} s` : code}): the agent run may have been created. It was not retried, so that no second run is started.`,
            {endpoint, hint: 'Check before trying again: codegenapi list --mine --limit 5'},
          )
        }
        if (timedOut) {
          throw new CodegenError(
            'network',
            `The Codegen API did not answer ${endpoint} within ${this.opts.timeoutMs / 1000} s (timeout).`,
            {
              endpoint,
              hint: 'Try again later, or raise the timeout with CODEGEN_API_TIMEOUT (seconds).',
            },
          )
        }
        throw new CodegenError('network', `Could not reach the Codegen API at ${this.baseUrl} (${code}).`, {
          endpoint,
          hint: 'Check your network and the base URL (codegenapi config get base-url).',
        })
      }

      debug?.(`<-- ${statusCode} ${endpoint} (${Date.now() - started} ms, ${rawBody.length} bytes)`)

      if (statusCode >= 200 && statusCode < 300) return this.parse(spec.schema, rawBody, endpoint, statusCode)

      const retryAfterMs = parseRetryAfter(retryAfter)
      if (statusCode === 429) this.opts.limiter.block(bucket, retryAfterMs ?? this.backoff(attempt))
      const retryable = statusCode === 429 || (policy === 'idempotent' && RETRYABLE_STATUS.has(statusCode))
      if (retryable && attempt <= this.opts.maxRetries && (retryAfterMs ?? 0) <= this.opts.maxRetryAfterMs) {
        // The limiter already holds the bucket for Retry-After on a 429.
        if (statusCode !== 429) await sleep(retryAfterMs ?? this.backoff(attempt), spec.signal)
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
          hint: 'Run again with --debug to see what differs.',
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
      401: 'Set a valid token: codegenapi config set api-token (it reads the token from stdin), or CODEGEN_API_TOKEN.',
      403: 'Check the organization id (codegenapi orgs lists yours) and that the token has access to it.',
      402: 'The plan limit for agent runs is reached: upgrade the plan or wait for the next billing period.',
      429: retryAfterMs ? `The API asks to wait ${Math.ceil(retryAfterMs / 1000)} s before trying again.` : 'Wait a little and try again.',
    }
    const what =
      status === 429
        ? 'Rate limit reached'
        : status === 401
          ? 'Authentication failed'
          : status === 403
            ? 'Permission denied'
            : 'The API refused'
    return new CodegenError(kind, `${what} on ${endpoint} (HTTP ${status})${said}`, {status, endpoint, hint: hints[status]})
  }
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
