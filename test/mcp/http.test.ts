import {expect} from 'chai'
import type {ChildProcess} from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import {Client} from '@modelcontextprotocol/sdk/client/index.js'
import {StreamableHTTPClientTransport} from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import {CallToolResultSchema, LoggingMessageNotificationSchema} from '@modelcontextprotocol/sdk/types.js'
import {BIN, allOutputs, runBin} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'
import {until} from '../helpers/wait.js'
import {isLoopback} from '../../src/mcp/http.js'
import {spawnTracked} from '../helpers/processes.js'

// `codegenapi mcp serve --http`: the same server over Streamable HTTP, one session per client.

interface HttpServer {
  proc: ChildProcess
  url: string
  stderr(): string
  stop(): Promise<number | null>
}

async function startHttp(env: NodeJS.ProcessEnv, args: string[] = []): Promise<HttpServer> {
  const proc = spawnTracked(process.execPath, [BIN, 'mcp', 'serve', '--http', '--port', '0', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  let stdout = ''
  proc.stdout.on('data', (d) => (stdout += d))
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr.on('data', (d) => {
      stderr += d
      const m = /listening on (http:\/\/\S+)/.exec(stderr)
      if (m) resolve(m[1])
    })
    void exited.then((code) => reject(new Error(`server exited ${code}: ${stderr}`)))
  })
  const server: HttpServer = {
    proc,
    url,
    stderr: () => stderr,
    async stop() {
      proc.kill('SIGTERM')
      const code = await exited
      allOutputs.push({args: ['mcp', 'serve', '--http', ...args], text: stdout + stderr})
      expect(stdout, 'stdout in HTTP mode').to.equal('')
      return code
    },
  }
  startedServers.push(server)
  return server
}
const startedServers: HttpServer[] = []

async function connectClient(
  url: string,
  headers: Record<string, string> = {},
): Promise<{client: Client; transport: StreamableHTTPClientTransport}> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {requestInit: {headers}})
  const client = new Client({name: 'http-test', version: '1.0.0'})
  await client.connect(transport)
  return {client, transport}
}

function rawPost(url: string, headers: Record<string, string>): Promise<number> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: {'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers},
      },
      (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      },
    )
    req.on('error', reject)
    req.end(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {protocolVersion: '2025-11-25', capabilities: {}, clientInfo: {name: 'raw', version: '1'}},
      }),
    )
  })
}

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {protocolVersion: '2025-11-25', capabilities: {}, clientInfo: {name: 'raw', version: '1'}},
}

interface Posted {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** One POST to the endpoint (a JSON-RPC message, or a raw body), with the whole answer. */
function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Posted> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: {'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers},
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (d: string) => (text += d))
        res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body: text}))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(Buffer.isBuffer(body) ? body : JSON.stringify(body))
  })
}

/** A new session's id. */
async function openSession(url: string): Promise<string> {
  const res = await post(url, INIT)
  expect(res.status, res.body).to.equal(200)
  const id = res.headers['mcp-session-id'] as string
  await post(url, {jsonrpc: '2.0', method: 'notifications/initialized'}, {'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25'})
  return id
}

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

describe('mcp serve --http', () => {
  const api = useFakeApi()
  afterEach(async () => {
    for (const s of startedServers.splice(0)) if (s.proc.exitCode === null) await s.stop().catch(() => undefined)
  })

  it('lists tools and calls them over HTTP; two clients get their own sessions; closing one frees it', async () => {
    const server = await startHttp(api.env(), ['--toolsets', 'all'])
    const a = await connectClient(server.url)
    const b = await connectClient(server.url)
    expect(a.transport.sessionId).to.be.a('string')
    expect(a.transport.sessionId).to.not.equal(b.transport.sessionId)
    const {tools} = await a.client.listTools()
    expect(tools.map((t) => t.name)).to.include.members(['codegenapi_new', 'codegenapi_get_agent_run', 'codegenapi_watch'])
    const run = api.fake().runs[0]
    const res: any = await b.client.callTool({name: 'codegenapi_get_agent_run', arguments: {agent_run_id: run.id}}, CallToolResultSchema)
    expect(res.structuredContent).to.include({id: run.id, status: run.status})
    const closedId = a.transport.sessionId!
    await a.transport.terminateSession()
    expect(await rawPost(server.url, {'mcp-session-id': closedId})).to.equal(404)
    // The other session still works.
    expect((await b.client.listTools()).tools.length).to.equal(tools.length)
    await b.client.close()
    expect(await server.stop()).to.equal(0)
  })

  it('with a bearer token: 401 without it or with a wrong one, served with it', async () => {
    const token = 'mcp-http-secret-7f6e5d4c'
    const server = await startHttp(api.env({CODEGENAPI_MCP_TOKEN: token}))
    expect(await rawPost(server.url, {})).to.equal(401)
    expect(await rawPost(server.url, {authorization: 'Bearer wrong-token'})).to.equal(401)
    const ok = await connectClient(server.url, {authorization: `Bearer ${token}`})
    expect((await ok.client.listTools()).tools.length).to.be.greaterThan(5)
    await ok.client.close()
    await server.stop()
    expect(server.stderr()).not.to.contain(token)
  })

  it('refuses a Host or Origin that is not the bound address (DNS rebinding)', async () => {
    const server = await startHttp(api.env())
    const port = new URL(server.url).port
    expect(await rawPost(server.url, {host: `evil.example:${port}`})).to.equal(403)
    expect(await rawPost(server.url, {origin: 'http://evil.example'})).to.equal(403)
    expect(await rawPost(server.url, {origin: `http://localhost:${port}`})).to.equal(200)
    await server.stop()
  })

  it('will not bind another address without a token (exit 2)', async () => {
    const res = await runBin(['mcp', 'serve', '--http', '--host', '0.0.0.0', '--port', '0'], {env: api.env()})
    expect(res.code).to.equal(2)
    expect(res.stderr).to.contain('needs a bearer token')
    expect(res.stdout).to.equal('')
  })

  it('load: 20 concurrent clients x 50 tool calls, every call answered correctly, memory bounded', async function () {
    this.timeout(120_000)
    const server = await startHttp(api.env(), ['--toolsets', 'all'])
    const pid = server.proc.pid!
    const runs = api.fake().runs.slice(0, 20)
    const clients = await Promise.all(runs.map(() => connectClient(server.url)))
    const before = rssMiB(pid)
    const started = Date.now()
    let calls = 0
    const errors: string[] = []
    await Promise.all(
      clients.map(async ({client}, i) => {
        for (let n = 0; n < 50; n++) {
          // Two calls per client read the fake API (40 in all, within its rate limit); the rest are local.
          const apiCall = n < 2
          const res: any = apiCall
            ? await client.callTool({name: 'codegenapi_get_agent_run', arguments: {agent_run_id: runs[i].id}}, CallToolResultSchema)
            : await client.callTool(
                {name: n % 2 ? 'codegenapi_config' : 'codegenapi_watch', arguments: n % 2 ? {action: 'get', key: 'org-id'} : {}},
                CallToolResultSchema,
              )
          calls++
          if (res.isError) errors.push(JSON.stringify(res.content))
          else if (apiCall && res.structuredContent.id !== runs[i].id) errors.push(`client ${i} got run ${res.structuredContent.id}`)
          else if (!apiCall && n % 2 && String(res.structuredContent.entries[0].value) !== String(api.fake().orgId))
            errors.push(`config answer: ${JSON.stringify(res.structuredContent.entries[0])}`)
        }
      }),
    )
    const after = rssMiB(pid)
    process.stderr.write(
      `      load: ${calls} calls from 20 clients in ${Date.now() - started} ms; server RSS ${before.toFixed(1)} -> ${after.toFixed(1)} MiB\n`,
    )
    await Promise.all(clients.map((c) => c.client.close()))
    expect(errors).to.deep.equal([])
    expect(calls).to.equal(1000)
    expect(after - before, 'RSS growth (MiB)').to.be.below(100)
    expect(await server.stop()).to.equal(0)
  })

  it("a client's log never carries another client's session: its id is that client's alone", async () => {
    const server = await startHttp(api.env(), ['--debug'])
    const a = await connectClient(server.url)
    const logged: string[] = []
    a.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logged.push(String(n.params.data)))
    await a.client.setLoggingLevel('debug')
    const other = await openSession(server.url)
    // A line every client gets, sent after the other session opened: once A has it, A has every earlier line.
    await a.client.callTool({name: 'codegenapi_get_current_user', arguments: {}}, CallToolResultSchema)
    await until(() => logged.some((line) => line.includes('/users/me')), 'the debug line of the API request')
    expect(logged.filter((line) => line.includes(other))).to.deep.equal([])
    expect(logged.filter((line) => /HTTP session/.test(line))).to.deep.equal([])
    await a.client.close()
    expect(await server.stop()).to.equal(0)
  })

  it('F-22: past --max-sessions a new client gets HTTP 503 with a clear message; the others keep working', async () => {
    const server = await startHttp(api.env(), ['--max-sessions', '3'])
    const ids = [await openSession(server.url), await openSession(server.url), await openSession(server.url)]
    const refused = await post(server.url, INIT)
    expect(refused.status).to.equal(503)
    expect(JSON.parse(refused.body).error.message).to.include('Too many MCP sessions').and.include('--max-sessions')
    const listed = await post(
      server.url,
      {jsonrpc: '2.0', id: 2, method: 'tools/list'},
      {'mcp-session-id': ids[0], 'mcp-protocol-version': '2025-11-25'},
    )
    expect(listed.status).to.equal(200)
    expect(listed.body).to.include('codegenapi_new')
    expect(await server.stop()).to.equal(0)
  })

  it('F-22: an idle session expires after --session-timeout', async () => {
    const server = await startHttp(api.env(), ['--session-timeout', '1', '--debug'])
    const id = await openSession(server.url)
    const ping = () =>
      post(server.url, {jsonrpc: '2.0', id: 3, method: 'ping'}, {'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25'})
    expect((await ping()).status).to.equal(200)
    // Wait for the server to say so (a ping meanwhile would keep the session alive).
    await new Promise<void>((resolve) => {
      const check = () => (server.stderr().includes(`HTTP session ${id} expired`) ? resolve() : setTimeout(check, 50))
      check()
    })
    expect((await ping()).status).to.equal(404)
    await server.stop()
  })

  it('F-22: SIGTERM exits within 2 s with 500 sessions open (--debug)', async function () {
    this.timeout(120_000)
    const server = await startHttp(api.env(), ['--max-sessions', '500', '--debug'])
    for (let i = 0; i < 500; i += 50) await Promise.all(Array.from({length: 50}, () => openSession(server.url)))
    const started = Date.now()
    expect(await server.stop()).to.equal(0)
    expect(Date.now() - started, 'ms from SIGTERM to exit').to.be.below(2000)
  })

  it('F-23: a body over the limit gets HTTP 413 with a JSON-RPC error; five 10 MB images fit', async function () {
    this.timeout(60_000)
    const server = await startHttp(api.env())
    const big = await post(server.url, Buffer.alloc(73 * 1024 * 1024, 'a'))
    expect(big.status).to.equal(413)
    expect(JSON.parse(big.body).error.message).to.include('too large')
    // Five images of 10 MB as base64 data URIs, in a tools/call body: within the limit.
    const image = `data:image/png;base64,${'A'.repeat(Math.ceil((10 * 1024 * 1024 * 4) / 3))}`
    const id = await openSession(server.url)
    const call = {
      jsonrpc: '2.0',
      id: 9,
      method: 'tools/call',
      params: {name: 'codegenapi_get_current_user', arguments: {}, _meta: {images: Array(5).fill(image)}},
    }
    const fits = await post(server.url, call, {'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25'})
    expect(fits.status).to.equal(200)
    expect(fits.body).to.include('"id":9')
    await server.stop()
  })

  it('F-26: bad JSON, a batch and jsonrpc 1.0 over HTTP get JSON-RPC errors', async () => {
    const server = await startHttp(api.env())
    const bad = await post(server.url, Buffer.from('this is not json'))
    expect(bad.status).to.equal(400)
    expect(JSON.parse(bad.body).error.code).to.equal(-32700)
    const batch = await post(server.url, [INIT])
    expect(JSON.parse(batch.body).error.code).to.equal(-32600)
    const old = await post(server.url, {...INIT, jsonrpc: '1.0'})
    expect(JSON.parse(old.body).error).to.include({code: -32600})
    await server.stop()
  })

  it('F-29: the Bearer scheme is case-insensitive; a 401 says WWW-Authenticate', async () => {
    const token = 'mcp-http-secret-7f6e5d4c'
    const server = await startHttp(api.env({CODEGENAPI_MCP_TOKEN: token}))
    const denied = await post(server.url, INIT)
    expect(denied.status).to.equal(401)
    expect(denied.headers['www-authenticate']).to.match(/^Bearer realm=/)
    expect((await post(server.url, INIT, {authorization: `bearer ${token}`})).status).to.equal(200)
    expect((await post(server.url, INIT, {authorization: `BEARER ${token}`})).status).to.equal(200)
    expect((await post(server.url, INIT, {authorization: `Basic ${token}`})).status).to.equal(401)
    await server.stop()
  })

  it('F-29: a server open to the network needs a token of 32 characters or more', async () => {
    const res = await runBin(['mcp', 'serve', '--http', '--host', '0.0.0.0', '--port', '0', '--auth-token', 'a'], {env: api.env()})
    expect(res.code).to.equal(2)
    expect(res.stderr).to.include('at least 32')
    expect(res.stdout).to.equal('')
  })

  it('F-29: IPv4-mapped loopback (::ffff:127.0.0.1) is loopback: served without a token, its own Host accepted', async () => {
    expect(['::ffff:127.0.0.1', '::FFFF:127.0.0.9', '0:0:0:0:0:ffff:7f00:1', '0:0:0:0:0:0:0:1', '[::1]'].map(isLoopback)).to.deep.equal([
      true,
      true,
      true,
      true,
      true,
    ])
    expect(['::ffff:10.0.0.1', '::ffff:a00:1', '0.0.0.0', '::', 'example.com', '128.0.0.1'].map(isLoopback)).to.deep.equal(
      Array(6).fill(false),
    )
    const server = await startHttp(api.env(), ['--host', '::ffff:127.0.0.1'])
    expect(server.url).to.match(/^http:\/\/\[::ffff:127\.0\.0\.1\]:\d+\/mcp$/)
    expect((await post(server.url, INIT)).status).to.equal(200)
    await server.stop()
  })

  it('F-29: a call in flight at SIGTERM gets a JSON-RPC error, not an empty reply', async () => {
    const run = api.fake().addRun({status: 'ACTIVE'})
    const server = await startHttp(api.env())
    const id = await openSession(server.url)
    const pending = post(
      server.url,
      {jsonrpc: '2.0', id: 5, method: 'tools/call', params: {name: 'codegenapi_wait_for_agent_run', arguments: {agent_run_id: run.id}}},
      {'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25'},
    )
    // The wait has begun once the server asked the API for the run.
    const until = Date.now() + 10_000
    while (!api.fake().requests.some((r) => r.path.endsWith(`/agent/run/${run.id}`)) && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 20))
    const stopped = server.stop()
    const answer = await pending
    await stopped
    expect(answer.body).to.include('"id":5').and.include('shutting down')
  })

  it('F-30: SSE streams start with a priming event that has an id and a retry field', async () => {
    const server = await startHttp(api.env())
    const id = await openSession(server.url)
    const listed = await post(
      server.url,
      {jsonrpc: '2.0', id: 7, method: 'tools/list'},
      {'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25'},
    )
    expect(listed.headers['content-type']).to.include('text/event-stream')
    expect(listed.body).to.match(/^id: \S+\nretry: \d+\ndata: \n\n/)
    await server.stop()
  })
})
