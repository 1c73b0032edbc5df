import {expect} from 'chai'
import {CallToolResultSchema} from '@modelcontextprotocol/sdk/types.js'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'
import {until} from '../helpers/wait.js'
import {startMcp, type McpSession} from './session.js'

// The MCP server goes through the same run lifecycle as the CLI: a read-only server, and every
// read-only call or subscription, sends no write (F-4); parents come only from a local record (F-6);
// get falls back to the local state, marked stale, like the resource (F-24); and a server beside a
// `watch` delivers a parent report once (F-3).
describe('mcp serve: the run lifecycle', () => {
  const api = useFakeApi({runDurationMs: 10 * 60_000})
  const env = (extra: Record<string, string> = {}) => api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100', ...extra})
  const call = (s: McpSession, name: string, args: Record<string, unknown> = {}) =>
    s.client.callTool({name, arguments: args}, CallToolResultSchema) as Promise<any>
  const resumesOf = (id: number) =>
    api.fake().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/resume') && r.body?.agent_run_id === id)
  const getsOf = (id: number) => api.fake().requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/agent/run/${id}`))
  /** Waits on the fake's journal: resolves once `done()` holds. */
  const journal = (done: () => boolean) => until(done, "the fake's journal", 25_000)
  /** Three more polls of a run the monitor keeps following: anything the last change set off has been sent by then. */
  // The monitor reads a run alone, or with other watched runs through the list endpoint: either is a round.
  const pollsOf = (id: number) =>
    getsOf(id).length + api.fake().requests.filter((r) => r.method === 'GET' && r.path.endsWith('/agent/runs')).length
  const threeMorePolls = async (tickerId: number) => {
    const seen = pollsOf(tickerId)
    await journal(() => pollsOf(tickerId) >= seen + 3)
  }
  const message = (s: McpSession, text: string) =>
    s.notification((n) => n.method === 'notifications/message' && String(n.params?.data).includes(text))

  it('F-4: a read-only server never resumes a parent, even for a child started with --parent', async () => {
    const parent = api.fake().runs.find((r) => r.status === 'COMPLETE')!
    const child = parseJson(await runCli(['new', '--parent', String(parent.id), '--query', 'child', '--json'], {env: env()}))
    const ticker = parseJson(await runCli(['new', '--query', 'keeps running', '--json'], {env: env()}))
    // `new` checked the parent before creating the child; the server must not read it again.
    const checked = getsOf(parent.id).length
    api.fake().setRunStatus(child.id, 'COMPLETE', {summary: 'Child done'})
    const s = await startMcp(env(), ['--toolsets', 'all', '--read-only'])
    await message(s, `Agent run ${child.id} is COMPLETE`)
    await threeMorePolls(ticker.id)
    expect(resumesOf(parent.id)).to.have.length(0)
    expect(getsOf(parent.id), 'a read-only server does not even check the parent').to.have.length(checked)
    await s.close()
  })

  it('F-4, F-6: a subscription or codegenapi_watch on a run with a parent in its API metadata never resumes that parent', async () => {
    const parent = api.fake().runs.find((r) => r.status === 'COMPLETE')!
    const subscribed = api.fake().addRun({status: 'ACTIVE', metadata: {parent_run_id: parent.id}})
    const watched = api.fake().addRun({status: 'ACTIVE', metadata: {parent_run_id: String(parent.id)}})
    const ticker = api.fake().addRun({status: 'ACTIVE'})
    const s = await startMcp(env(), ['--toolsets', 'all'])
    await s.client.subscribeResource({uri: `codegen://agent-runs/${subscribed.id}`})
    await s.client.subscribeResource({uri: `codegen://agent-runs/${ticker.id}`})
    const listed = await call(s, 'codegenapi_watch', {agent_run_id: watched.id})
    expect(listed.isError, JSON.stringify(listed.content)).to.not.equal(true)
    expect(listed.structuredContent.runs.find((r: any) => r.id === watched.id).parent_run_id).to.equal(undefined)
    api.fake().setRunStatus(subscribed.id, 'COMPLETE')
    api.fake().setRunStatus(watched.id, 'COMPLETE')
    await message(s, `Agent run ${subscribed.id} is COMPLETE`)
    await message(s, `Agent run ${watched.id} is COMPLETE`)
    await threeMorePolls(ticker.id)
    expect(resumesOf(parent.id)).to.have.length(0)
    await s.close()
  })

  it('F-6: out-of-range parent_run_id metadata never breaks codegenapi_new, get, wait or watch', async () => {
    const s = await startMcp(env(), ['--toolsets', 'all'])
    // codegenapi_new refuses the reserved key, sending nothing; runs created elsewhere may still carry it.
    const started = await call(s, 'codegenapi_new', {query: 'x', metadata: {parent_run_id: '99999999999'}})
    expect(started.isError).to.equal(true)
    expect(JSON.stringify(started.content)).to.contain('reserved')
    const id = api.fake().addRun({status: 'ACTIVE', metadata: {parent_run_id: '99999999999'}}).id
    const watching = await call(s, 'codegenapi_watch', {agent_run_id: id})
    expect(watching.isError, JSON.stringify(watching.content)).to.not.equal(true)
    for (const bad of ['-3', '1.5']) api.fake().addRun({status: 'COMPLETE', metadata: {parent_run_id: bad}})
    const got = await call(s, 'codegenapi_get_agent_run', {agent_run_id: id})
    expect(got.isError, JSON.stringify(got.content)).to.not.equal(true)
    const waited = await call(s, 'codegenapi_wait_for_agent_run', {agent_run_id: id, timeout_seconds: 1})
    expect(waited.isError, JSON.stringify(waited.content)).to.not.equal(true)
    const watched = await call(s, 'codegenapi_watch')
    expect(watched.isError, JSON.stringify(watched.content)).to.not.equal(true)
    expect(watched.structuredContent.runs.map((r: any) => r.id)).to.include(id)
    await s.close()
  })

  it('F-24: codegenapi_get_agent_run answers from the local state, marked stale, as the resource does', async () => {
    const run = parseJson(await runCli(['new', '--query', 'offline', '--json'], {env: env()}))
    const s = await startMcp(env({CODEGEN_API_BASE_URL: 'http://127.0.0.1:9', CODEGENAPI_RETRY_BASE_MS: '1'}), ['--toolsets', 'all'])
    const got = await call(s, 'codegenapi_get_agent_run', {agent_run_id: run.id})
    expect(got.isError, JSON.stringify(got.content)).to.not.equal(true)
    expect(got.structuredContent).to.include({id: run.id, stale: true, status: 'ACTIVE'})
    expect(got.structuredContent.last_seen).to.be.a('string')
    const read = await s.client.readResource({uri: `codegen://agent-runs/${run.id}`})
    const resource = JSON.parse(String((read.contents[0] as {text: string}).text))
    expect(resource).to.include({id: run.id, stale: true, status: 'ACTIVE', last_seen: got.structuredContent.last_seen})
    const unknown = await call(s, 'codegenapi_get_agent_run', {agent_run_id: 424242})
    expect(unknown.isError).to.equal(true)
    await s.close()
  })

  it('F-3: an MCP server beside `codegenapi watch` resumes the parent once', async () => {
    const parent = api.fake().runs.find((r) => r.status === 'COMPLETE')!
    const child = parseJson(await runCli(['new', '--parent', String(parent.id), '--query', 'child', '--json'], {env: env()}))
    const s = await startMcp(env(), ['--toolsets', 'all'])
    api.fake().inject({method: 'GET', path: new RegExp(`/agent/run/${parent.id}$`), kind: 'delay', delayMs: 400, times: 2})
    api.fake().setRunStatus(child.id, 'COMPLETE', {summary: 'Child done'})
    const watcher = await runCli(['watch', String(child.id), '--timeout', '20s'], {env: env()})
    expect(watcher.code, watcher.stderr).to.equal(0)
    await journal(() => resumesOf(parent.id).length >= 1)
    // Both processes have looked at the parent (the delayed GETs): each could have resumed it.
    await journal(() => getsOf(parent.id).filter((r) => r.fault === 'delay').length >= 2)
    const ticker = api.fake().addRun({status: 'ACTIVE'})
    await s.client.subscribeResource({uri: `codegen://agent-runs/${ticker.id}`})
    await threeMorePolls(ticker.id)
    expect(resumesOf(parent.id)).to.have.length(1)
    await s.close()
  })
})
