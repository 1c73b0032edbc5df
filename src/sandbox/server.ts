// The sandbox: a fake Codegen API on 127.0.0.1 with realistic data (`codegenapi sandbox`, `--sandbox`)
// and the tests' fake. Routing, auth, rate limits, injected faults, a request journal, and, when given
// one (the tests give test/fake-api/contract.ts), a contract check of every request and response.
import http, {type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {parseJsonBody} from './params.js'
import {matchTemplates} from './paths.js'
import {RateLimiter} from './rate-limit.js'
import {ROUTES, type Reply, type Route} from './routes.js'
import {REST_ROUTES, restState} from './routes-rest.js'
import {FakeState} from './state.js'
import type {Fault, SandboxApi, SandboxApiOptions, RecordedRequest} from './types.js'

export type * from './types.js'

/** The token the tests' fake accepts unless told otherwise (the sandbox commands use their own). */
export const DEFAULT_TOKEN = 'test-token-9f8e7d6c5b4a'
const BODY_CHECKED = new Set([
  '/v1/organizations/{org_id}/agent/run',
  '/v1/organizations/{org_id}/agent/run/resume',
  ...REST_ROUTES.filter((r) => r.method !== 'GET').map((r) => r.template),
])
const ROUTE_TEMPLATES = [...new Set(ROUTES.map((r) => r.template))]

interface PendingFault extends Fault {
  left: number
}

export async function startSandboxApi(opts: SandboxApiOptions = {}): Promise<SandboxApi> {
  const token = opts.token ?? DEFAULT_TOKEN
  const orgId = opts.orgId ?? 42
  const userId = opts.userId ?? 1001
  const contract = opts.contract
  const validate = (opts.validate ?? true) && contract !== undefined
  const state = new FakeState(
    {
      seed: opts.seed ?? 20251024,
      now: opts.now,
      orgId,
      orgName: opts.orgName ?? 'Acme Robotics',
      secondOrg: opts.secondOrg === undefined ? {id: 57, name: "Ada's Sandbox"} : opts.secondOrg,
      userId,
      githubUsername: opts.githubUsername ?? 'ada-dev',
      userCount: opts.userCount ?? 130,
      repoCount: opts.repoCount ?? 140,
      runCount: opts.runCount ?? 60,
      failedFraction: opts.failedFraction ?? 0.15,
    },
    {
      runDurationMs: opts.runDurationMs,
      pollsToComplete: opts.pollsToComplete,
      outcome: opts.outcome ?? 'COMPLETE',
      logIntervalMs: opts.logIntervalMs ?? 300,
    },
  )
  const limiter = opts.rateLimits ? new RateLimiter(opts.rateLimits === true ? {} : opts.rateLimits) : undefined

  const requests: RecordedRequest[] = []
  const contractViolations: string[] = []
  const requestViolations: string[] = []
  let faults: PendingFault[] = []
  const timers = new Set<NodeJS.Timeout>()
  /** Answers written once the request's state is saved (with a store). */
  const held = new WeakMap<ServerResponse, (() => void)[]>()

  function takeFault(method: string, path: string): PendingFault | undefined {
    const fault = faults.find(
      (f) =>
        (!f.method || f.method.toUpperCase() === method) &&
        (f.path === undefined || (typeof f.path === 'string' ? f.path === path : ((f.path.lastIndex = 0), f.path.test(path)))),
    )
    if (fault && --fault.left <= 0) faults = faults.filter((f) => f !== fault)
    return fault
  }

  function later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
  }

  /** Routing, auth, rate limit, then the endpoint: the request as the API would treat it. */
  function dispatch(method: string, path: string, query: URLSearchParams, rawBody: string, headers: http.IncomingHttpHeaders): Reply {
    if (path.length > 1 && path.endsWith('/')) {
      const search = query.toString()
      return {status: 307, headers: {location: path.replace(/\/+$/, '') + (search ? `?${search}` : '')}}
    }
    const matches = matchTemplates(path, ROUTE_TEMPLATES)
    const route: Route | undefined = matches.map((m) => ROUTES.find((r) => r.template === m.template && r.method === method)).find(Boolean)
    if (!route) {
      if (contract?.hasOperation(method, path)) return {status: 501, body: {detail: 'Not implemented by the fake Codegen API'}}
      if (matches.length || contract?.hasPath(path)) return {status: 405, body: {detail: 'Method Not Allowed'}}
      return {status: 404, body: {detail: 'Not Found'}}
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim()
    if (bearer !== token) return {status: 401, body: {detail: 'Invalid or missing API token'}}
    if (limiter) {
      const wait = limiter.check(bearer, route.category)
      if (wait)
        return {
          status: 429,
          headers: {'retry-after': String(wait)},
          body: {message: 'Rate limit exceeded. Please try again later.', status_code: 429},
        }
    }
    const parsed = parseJsonBody(rawBody)
    if (contract && BODY_CHECKED.has(route.template)) {
      const problems =
        parsed?.ok === false ? [`${method} ${path} request body: not JSON`] : contract.requestBody(method, path, parsed?.value)
      requestViolations.push(...problems)
    }
    const params = matches.find((m) => m.template === route.template)!.params
    return route.handle({state, params, query, body: parsed, userId, now: Date.now()})
  }

  function check(method: string, path: string, reply: Reply): void {
    if (!validate || !contract.hasOperation(method, path)) return
    contractViolations.push(...contract.response(method, path, reply.status, reply.body))
  }

  function send(
    res: ServerResponse,
    record: RecordedRequest,
    status: number,
    headers: Record<string, string>,
    text: string,
    contentType: string,
  ): void {
    if (res.destroyed || res.socket?.destroyed) return
    record.status = status
    const write = () => {
      if (res.destroyed) return
      res.writeHead(status, {'content-type': contentType, 'content-length': String(Buffer.byteLength(text)), ...headers})
      res.end(text)
    }
    const queue = held.get(res)
    if (queue) queue.push(write)
    else write()
  }

  function sendReply(res: ServerResponse, record: RecordedRequest, reply: Reply, extra: Record<string, string> = {}): void {
    const text = reply.body === undefined ? '' : JSON.stringify(reply.body)
    send(res, record, reply.status, {...reply.headers, ...extra}, text, 'application/json')
  }

  function destroy(req: IncomingMessage, record: RecordedRequest): void {
    record.status = 0
    req.socket.destroy()
  }

  /** A canned answer from a fault: deliberate, so it is not checked against the contract. */
  function sendCanned(res: ServerResponse, record: RecordedRequest, fault: Fault): void {
    const status = fault.status ?? 200
    let body = fault.body
    if (body === undefined && status >= 400) {
      body = {
        message: status === 429 ? 'Rate limit exceeded. Please try again later.' : (http.STATUS_CODES[status] ?? 'Error'),
        status_code: status,
      }
    }
    if (typeof body === 'string') {
      send(res, record, status, fault.headers ?? {}, body, /^\s*</.test(body) ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8')
    } else {
      send(res, record, status, fault.headers ?? {}, body === undefined ? '' : JSON.stringify(body), 'application/json')
    }
  }

  function handleFault(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, fault: Fault, act: () => Reply): void {
    record.fault = fault.kind ?? 'status'
    const canned = fault.status !== undefined || fault.body !== undefined
    switch (fault.kind) {
      case 'reset-before':
        return destroy(req, record)
      case 'reset-after':
        act()
        return destroy(req, record)
      case 'delay': {
        const reply = canned ? undefined : act()
        return later(fault.delayMs ?? 1000, () => (reply ? sendReply(res, record, reply, fault.headers) : sendCanned(res, record, fault)))
      }
      case 'truncated': {
        const reply = act()
        const text = JSON.stringify(fault.body ?? reply.body ?? {})
        return send(
          res,
          record,
          fault.status ?? reply.status,
          {...reply.headers, ...fault.headers},
          text.slice(0, Math.max(1, Math.floor(text.length / 2))),
          'application/json',
        )
      }
      default:
        return canned ? sendCanned(res, record, fault) : sendReply(res, record, act(), fault.headers)
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now()
    const url = new URL(req.url ?? '/', 'http://fake')
    const method = (req.method ?? 'GET').toUpperCase()
    const chunks: Buffer[] = []
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer)
    } catch {
      return // the client went away mid-body
    }
    const rawBody = Buffer.concat(chunks).toString('utf8')
    const parsed = parseJsonBody(rawBody)
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: parsed === undefined ? undefined : parsed.ok ? parsed.value : rawBody,
      status: 0,
      at,
    }
    requests.push(record)
    const act = (): Reply => {
      const reply = dispatch(method, url.pathname, url.searchParams, rawBody, req.headers)
      check(method, url.pathname, reply)
      return reply
    }
    const answer = () => {
      const fault = takeFault(method, url.pathname)
      if (fault) handleFault(req, res, record, fault, act)
      else sendReply(res, record, act())
    }
    if (!opts.store) return answer()
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim()
    // The answer waits until the state is saved: a command may end (and its process exit) as soon as it has it.
    const queue: (() => void)[] = []
    held.set(res, queue)
    await opts.store.transaction(state, () => {
      answer()
      return {
        at: new Date(at).toISOString(),
        method,
        path: url.pathname,
        status: record.status,
        token: bearer ? (bearer === token ? 'sandbox' : 'other') : 'none',
      }
    })
    held.delete(res)
    for (const write of queue) write()
  }

  const server = http.createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      // A bug in the fake must not look like an API answer the client could accept.
      contractViolations.push(`fake API crashed on ${req.method} ${req.url}: ${err instanceof Error ? err.stack : String(err)}`)
      if (!res.headersSent) res.writeHead(500, {'content-type': 'application/json'}).end(JSON.stringify({detail: 'fake API crashed'}))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  // In the process of a command that uses it (--sandbox): the command's end is the sandbox's.
  if (opts.background) {
    server.unref()
    server.on('connection', (socket) => socket.unref())
  }

  const fake: SandboxApi = {
    url: `http://127.0.0.1:${port}`,
    port,
    token,
    orgId,
    userId,
    get orgs() {
      return state.orgs
    },
    get users() {
      return state.users(orgId)
    },
    get repos() {
      return state.repos(orgId)
    },
    get runs() {
      return state.allRuns()
    },
    requests,
    contractViolations,
    requestViolations,
    getRun: (id) => state.allRuns().find((r) => r.id === id),
    getLogs(id) {
      const run = fake.getRun(id)
      return run ? state.logsOf(run) : []
    },
    setRunStatus: (id, status, patch) => state.setRunStatus(id, status, patch),
    addRun: (partial, o) => state.addRun(partial, o?.live ?? false),
    get rest() {
      return restState(state)
    },
    inject(fault) {
      faults.push({...fault, left: fault.times ?? 1})
    },
    reset() {
      requests.length = 0
      contractViolations.length = 0
      requestViolations.length = 0
      faults = []
      limiter?.reset()
      state.restore()
    },
    async close() {
      for (const t of timers) clearTimeout(t)
      timers.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return fake
}
