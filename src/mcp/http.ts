// MCP over Streamable HTTP (`mcp serve --http`): the same app as on stdio, one SDK server and
// transport per client session. With sdk.ts, the only module that touches the SDK.
import {createHash, randomUUID, timingSafeEqual} from 'node:crypto'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {StreamableHTTPServerTransport} from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import {isInitializeRequest} from '@modelcontextprotocol/sdk/types.js'
import {connect, type McpApp, type ServerHandle} from './sdk.js'

export interface HttpOptions {
  host: string
  port: number
  /** Required off loopback: every request must then carry `Authorization: Bearer <authToken>`. */
  authToken?: string
  /** A session unused this long is closed and its resources freed. */
  idleMs?: number
}

export interface HttpServerHandle {
  url: string
  sessions(): number
  close(): Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])
export const isLoopback = (host: string) => LOOPBACK.has(host) || host.startsWith('127.')

const digest = (s: string) => createHash('sha256').update(s).digest()

interface Session {
  transport: StreamableHTTPServerTransport
  handle: ServerHandle
  lastSeen: number
}

export async function serveHttp(app: McpApp, opts: HttpOptions): Promise<HttpServerHandle> {
  const sessions = new Map<string, Session>()
  const expected = opts.authToken ? digest(`Bearer ${opts.authToken}`) : undefined
  let port = opts.port
  const loopback = isLoopback(opts.host)

  // DNS rebinding: a page elsewhere must not reach a server on this machine through a name it controls.
  const allowedHost = (host: string | undefined) => {
    if (!loopback) return true // bound for other machines: the bearer token is the guard
    if (!host) return false
    return ['127.0.0.1', 'localhost', '[::1]', opts.host].some((h) => host === `${h}:${port}`)
  }
  const allowedOrigin = (origin: string | undefined) => {
    if (!origin) return true // not a browser
    if (!loopback) return true
    return ['127.0.0.1', 'localhost', '[::1]', opts.host].some((h) => origin === `http://${h}:${port}`)
  }

  const reply = (res: http.ServerResponse, status: number, message: string) => {
    res
      .writeHead(status, {'content-type': 'application/json'})
      .end(JSON.stringify({jsonrpc: '2.0', error: {code: -32000, message}, id: null}))
  }

  const readBody = (req: http.IncomingMessage) =>
    new Promise<unknown>((resolve, reject) => {
      const chunks: Buffer[] = []
      let size = 0
      req.on('data', (c: Buffer) => {
        size += c.length
        if (size > 4 * 1024 * 1024) {
          reject(new Error('request body too large'))
          req.destroy()
        } else chunks.push(c)
      })
      req.on('end', () => {
        try {
          resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined)
        } catch {
          reject(new Error('request body is not JSON'))
        }
      })
      req.on('error', reject)
    })

  const server = http.createServer(async (req, res) => {
    try {
      if (expected) {
        const given = digest(String(req.headers.authorization ?? ''))
        if (!timingSafeEqual(given, expected)) return reply(res, 401, 'Unauthorized: send Authorization: Bearer <token>.')
      }
      if (!allowedHost(req.headers.host) || !allowedOrigin(req.headers.origin))
        return reply(res, 403, 'Forbidden: Host or Origin not allowed.')
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (url.pathname !== '/mcp') return reply(res, 404, 'Not found: the MCP endpoint is /mcp.')

      const sessionId = req.headers['mcp-session-id']
      const body = req.method === 'POST' ? await readBody(req) : undefined
      const known = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined
      if (known) {
        known.lastSeen = Date.now()
        await known.transport.handleRequest(req, res, body)
        return
      }
      if (sessionId) return reply(res, 404, 'Unknown or expired session: initialize a new one.')
      if (req.method !== 'POST' || !isInitializeRequest(body))
        return reply(res, 400, 'Bad request: start a session with an initialize request.')

      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, {transport, handle, lastSeen: Date.now()})
          app.log('debug', `HTTP session ${id} opened (${sessions.size} open).`)
        },
      })
      transport.onclose = () => {
        if (transport.sessionId && sessions.delete(transport.sessionId))
          app.log('debug', `HTTP session ${transport.sessionId} closed (${sessions.size} open).`)
      }
      const handle = await connect(app, transport)
      await transport.handleRequest(req, res, body)
    } catch (error) {
      app.log('warning', `HTTP request failed: ${(error as Error).message}`)
      if (!res.headersSent) reply(res, 400, (error as Error).message)
    }
  })

  const idleMs = opts.idleMs ?? 30 * 60_000
  const sweep = setInterval(
    () => {
      for (const [id, s] of sessions) if (Date.now() - s.lastSeen > idleMs) void s.handle.close().finally(() => sessions.delete(id))
    },
    Math.min(60_000, idleMs),
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
      clearInterval(sweep)
      await Promise.all([...sessions.values()].map((s) => s.handle.close().catch(() => undefined)))
      sessions.clear()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
    },
  }
}
