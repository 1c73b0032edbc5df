import {expect} from 'chai'
import {spawn, type ChildProcess} from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import {Client} from '@modelcontextprotocol/sdk/client/index.js'
import {StreamableHTTPClientTransport} from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import {CallToolResultSchema} from '@modelcontextprotocol/sdk/types.js'
import {BIN, allOutputs, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

// `codegenapi mcp serve --http`: the same server over Streamable HTTP, one session per client.

interface HttpServer {
  proc: ChildProcess
  url: string
  stderr(): string
  stop(): Promise<number | null>
}

async function startHttp(env: NodeJS.ProcessEnv, args: string[] = []): Promise<HttpServer> {
  const proc = spawn(process.execPath, [BIN, 'mcp', 'serve', '--http', '--port', '0', ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
  let stderr = ''
  let stdout = ''
  proc.stdout!.on('data', (d) => (stdout += d))
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr!.on('data', (d) => {
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

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

describe('mcp serve --http', () => {
  const api = useFakeApi()
  afterEach(async () => {
    for (const s of startedServers.splice(0)) if (s.proc.exitCode === null) await s.stop().catch(() => undefined)
  })

  it('lists tools and calls them over HTTP; two clients get their own sessions; closing one frees it', async () => {
    const server = await startHttp(api.env())
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
    const res = await runCli(['mcp', 'serve', '--http', '--host', '0.0.0.0', '--port', '0'], {env: api.env()})
    expect(res.code).to.equal(2)
    expect(res.stderr).to.contain('needs a bearer token')
    expect(res.stdout).to.equal('')
  })

  it('load: 20 concurrent clients x 50 tool calls, every call answered correctly, memory bounded', async function () {
    this.timeout(120_000)
    const server = await startHttp(api.env())
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
})
