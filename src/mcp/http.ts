// MCP over Streamable HTTP (`mcp serve --http`): the same app as on stdio, one SDK server and
// transport per client session. With sdk.ts, the only module that touches the SDK's server side.
import {createHash, randomUUID, timingSafeEqual} from 'node:crypto'
import http from 'node:http'
import net, {type AddressInfo} from 'node:net'
import type {EventStore} from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import {StreamableHTTPServerTransport} from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import {isInitializeRequest, type JSONRPCMessage} from '@modelcontextprotocol/sdk/types.js'
import {isLoopbackHost} from '../services/trust.js'
import {checkMessage, errorResponse, PARSE_ERROR} from './jsonrpc.js'
import {connect, MAX_MESSAGE_BYTES, type McpApp, type ServerHandle} from './sdk.js'

export interface HttpOptions {
  host: string
  port: number
  /** Required off loopback: every request must then carry `Authorization: Bearer <authToken>`. */
  authToken?: string
  /** A session unused this long is closed and its resources freed (default 30 min). */
  idleMs?: number
  /** At most this many sessions at once; past it, a new one gets HTTP 503 (default 100). */
  maxSessions?: number
}

export const DEFAULT_MAX_SESSIONS = 100
export const DEFAULT_IDLE_MS = 30 * 60_000
/** A token that guards a server open to the network must not be guessable. */
export const MIN_NETWORK_TOKEN_LENGTH = 32

export interface HttpServerHandle {
  url: string
  sessions(): number
  close(): Promise<void>
}

/** SSE: how long a client waits before reconnecting to a stream that closed (sent with the priming event). */
const SSE_RETRY_MS = 2000
/** SSE: events kept per session for a client that reconnects with Last-Event-ID. */
const SSE_EVENTS_KEPT = 200

/** The host as an address, canonical (IPv6 in brackets, IPv4-mapped as hex: `[::ffff:7f00:1]`), or the name. */
function canonicalHost(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  if (net.isIPv6(bare)) return new URL(`http://[${bare}]/`).hostname
  return bare
}

/** True for an address only this machine can reach (the one helper, in src/services/trust.ts). */
export const isLoopback = isLoopbackHost

const digest = (s: string) => createHash('sha256').update(s).digest()

interface Session {
  transport: StreamableHTTPServerTransport
  handle: ServerHandle
  lastSeen: number
}

/** SSE events of one session, the last few per session, for clients that reconnect (SEP-1699). */
function eventStore(): EventStore {
  const events: {id: string; stream: string; message: JSONRPCMessage}[] = []
  let n = 0
  return {
    storeEvent(stream, message) {
      const id = `${stream}.${++n}`
      events.push({id, stream, message})
      if (events.length > SSE_EVENTS_KEPT) events.splice(0, events.length - SSE_EVENTS_KEPT)
      return Promise.resolve(id)
    },
    getStreamIdForEventId(id) {
      return Promise.resolve(events.find((e) => e.id === id)?.stream ?? (/^(.+)\.\d+$/.exec(id)?.[1] || undefined))
    },
    async replayEventsAfter(lastId, {send}) {
      const stream = events.find((e) => e.id === lastId)?.stream ?? /^(.+)\.\d+$/.exec(lastId)?.[1] ?? ''
      const after = Number(/\.(\d+)$/.exec(lastId)?.[1] ?? 0)
      for (const e of events) if (e.stream === stream && Number(/\.(\d+)$/.exec(e.id)![1]) > after) await send(e.id, e.message)
      return stream
    },
  }
}

class TooLarge extends Error {}

export async function serveHttp(app: McpApp, opts: HttpOptions): Promise<HttpServerHandle> {
  const sessions = new Map<string, Session>()
  let opening = 0
  let closing = false
  const maxSessions = opts.maxSessions ?? DEFAULT_MAX_SESSIONS
  const expected = opts.authToken ? digest(opts.authToken) : undefined
  let port = opts.port
  const loopback = isLoopback(opts.host)
  const bound = canonicalHost(opts.host)

  // DNS rebinding: a page elsewhere must not reach a server on this machine through a name it controls.
  const localNames = () => new Set(['127.0.0.1', 'localhost', '[::1]', bound])
  const allowedHost = (host: string | undefined) => {
    if (!loopback) return true // bound for other machines: the bearer token is the guard
    if (!host) return false
    try {
      const u = new URL(`http://${host}/`)
      return u.port === String(port) && localNames().has(canonicalHost(u.hostname))
    } catch {
      return false
    }
  }
  const allowedOrigin = (origin: string | undefined) => {
    if (!origin) return true // not a browser
    if (!loopback) return true
    try {
      const u = new URL(origin)
      return u.protocol === 'http:' && u.port === String(port) && localNames().has(canonicalHost(u.hostname))
    } catch {
      return false
    }
  }
  // RFC 7235: the scheme is case-insensitive; the token is compared in constant time.
  const authorized = (header: string | undefined) => {
    const m = /^\s*(\S+)\s+(.+?)\s*$/.exec(header ?? '')
    if (!m || m[1].toLowerCase() !== 'bearer') return false
    return timingSafeEqual(digest(m[2]), expected!)
  }

  const reply = (res: http.ServerResponse, status: number, message: string, headers: http.OutgoingHttpHeaders = {}, code = -32000) => {
    res.writeHead(status, {'content-type': 'application/json', ...headers}).end(JSON.stringify(errorResponse(null, code, message)))
  }

  const readBody = (req: http.IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = []
      let size = 0
      req.on('data', (c: Buffer) => {
        size += c.length
        if (size > MAX_MESSAGE_BYTES) {
          // Answer at once; the rest of the body is read and dropped, so the client gets the answer
          // rather than a connection reset.
          chunks.length = 0
          req.removeAllListeners('data')
          req.resume()
          reject(new TooLarge())
        } else chunks.push(c)
      })
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      req.on('error', reject)
    })

  const server = http.createServer((req, res) => void handle(req, res))

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      if (expected && !authorized(req.headers.authorization))
        return reply(res, 401, 'Unauthorized: send Authorization: Bearer <token>.', {'www-authenticate': 'Bearer realm="codegenapi"'})
      if (!allowedHost(req.headers.host) || !allowedOrigin(req.headers.origin))
        return reply(res, 403, 'Forbidden: Host or Origin not allowed.')
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (url.pathname !== '/mcp') return reply(res, 404, 'Not found: the MCP endpoint is /mcp.')
      if (closing) return reply(res, 503, 'The server is shutting down.', {connection: 'close'})

      let body: unknown
      if (req.method === 'POST') {
        let text: string
        try {
          text = await readBody(req)
        } catch (error) {
          if (error instanceof TooLarge)
            return reply(
              res,
              413,
              `Request body too large: the limit is ${MAX_MESSAGE_BYTES / 1024 / 1024} MiB (five 10 MB images as base64 fit).`,
              {connection: 'close'},
            )
          throw error
        }
        let raw: unknown
        try {
          raw = JSON.parse(text)
        } catch {
          return reply(res, 400, 'Parse error: the body is not valid JSON.', {}, PARSE_ERROR)
        }
        const checked = checkMessage(raw)
        if ('error' in checked) {
          res.writeHead(400, {'content-type': 'application/json'}).end(JSON.stringify(checked.error))
          return
        }
        body = checked.message
      }

      const sessionId = req.headers['mcp-session-id']
      const known = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined
      if (known) {
        known.lastSeen = Date.now()
        await known.transport.handleRequest(req, res, body)
        return
      }
      if (sessionId) return reply(res, 404, 'Unknown or expired session: initialize a new one.')
      if (req.method !== 'POST' || !isInitializeRequest(body))
        return reply(res, 400, 'Bad request: start a session with an initialize request.')
      if (sessions.size + opening >= maxSessions)
        return reply(
          res,
          503,
          `Too many MCP sessions: ${maxSessions} are open (the limit). Close a client, wait for idle sessions to expire, or start the server with a larger --max-sessions.`,
          {'retry-after': '60'},
        )

      opening++
      let handle: ServerHandle | undefined
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        eventStore: eventStore(),
        retryInterval: SSE_RETRY_MS,
        onsessioninitialized: (id) => {
          sessions.set(id, {transport, handle: handle!, lastSeen: Date.now()})
          app.log('debug', `HTTP session ${id} opened (${sessions.size} open).`, 'operator')
        },
      })
      transport.onclose = () => {
        if (transport.sessionId && sessions.delete(transport.sessionId) && !closing)
          app.log('debug', `HTTP session ${transport.sessionId} closed (${sessions.size} open).`, 'operator')
      }
      try {
        handle = await connect(app, transport)
        await transport.handleRequest(req, res, body)
      } finally {
        opening--
      }
    } catch (error) {
      app.log('warning', `HTTP request failed: ${(error as Error).message}`, 'operator')
      if (!res.headersSent) reply(res, 500, `Internal error: ${(error as Error).message}`, {}, -32603)
    }
  }

  const idleMs = opts.idleMs ?? DEFAULT_IDLE_MS
  const sweep = setInterval(
    () => {
      const now = Date.now()
      for (const [id, s] of sessions)
        if (now - s.lastSeen > idleMs) {
          sessions.delete(id)
          app.log('debug', `HTTP session ${id} expired after ${Math.round(idleMs / 1000)} s idle (${sessions.size} open).`, 'operator')
          void s.handle.close().catch(() => undefined)
        }
    },
    Math.max(50, Math.min(60_000, idleMs / 4)),
  ).unref()

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => resolve())
  })
  port = (server.address() as AddressInfo).port
  const shownHost = opts.host.includes(':') && !opts.host.startsWith('[') ? `[${opts.host}]` : opts.host
  return {
    url: `http://${shownHost}:${port}/mcp`,
    sessions: () => sessions.size,
    async close() {
      // However many sessions are open, this takes about as long as one: all close at once, quietly.
      closing = true
      clearInterval(sweep)
      const open = [...sessions.values()]
      sessions.clear()
      await Promise.all(open.map((s) => s.handle.close().catch(() => undefined)))
      server.closeIdleConnections()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
