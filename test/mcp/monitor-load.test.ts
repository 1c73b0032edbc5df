import {expect} from 'chai'
import {API_LIMITS, BACKGROUND_BURST, RateLimiter} from '../../src/api/rate-limiter.js'
import {runUri} from '../../src/mcp/shapes.js'
import type {FakeApi} from '../fake-api/server.js'
import {runCli} from '../helpers/cli.js'
import {untilRequests, useFakeApi} from '../helpers/fake.js'
import {startMcp, type McpSession} from './session.js'

// The run monitor under load, against the fake API with the contract's real limits (60 standard
// requests per 30 s, 429 past them), through a real `mcp serve`. Everything is counted in requests on
// the fake's journal, never in wall time.
describe('run monitor under load (API limits on)', () => {
  // Closed before the fake's sandbox goes (hooks run in the order they are made; a server still
  // running writes its state file there).
  let session: McpSession | undefined
  const serve = async (env: NodeJS.ProcessEnv) => (session = await startMcp(env))
  afterEach(async () => {
    await session?.close()
    session = undefined
  })
  const api = useFakeApi({rateLimits: true, runCount: 20})
  const share = new RateLimiter().backgroundShare('standard')
  const windowMs = API_LIMITS.standard.windowMs

  const isList = (r: FakeApi['requests'][number]) => r.method === 'GET' && r.path.endsWith('/agent/runs')
  const isGet = (r: FakeApi['requests'][number]) => r.method === 'GET' && /\/agent\/run\/\d+$/.test(r.path)
  const limited = () => api.fake().requests.filter((r) => r.status === 429)

  /** Subscribes to every run: as a client pipelines them (50 at a time), or one after the other. */
  async function subscribeAll(s: McpSession, ids: number[], inTurn = false): Promise<void> {
    const step = inTurn ? 1 : 50
    for (let i = 0; i < ids.length; i += step)
      await Promise.all(ids.slice(i, i + step).map((id) => s.client.subscribeResource({uri: runUri(id)})))
  }

  /** Resolves with the first resources/updated for the run that came after it finished. */
  const told = (s: McpSession, id: number) =>
    s.notification(
      (n) =>
        n.method === 'notifications/resources/updated' &&
        n.params?.uri === runUri(id) &&
        s.notifications.indexOf(n) >= (finished.get(id) ?? Infinity),
    )
  /** Each finished run, with how many notifications had come when it finished. */
  const finished = new Map<number, number>()
  const finish = (s: McpSession, id: number) => {
    finished.set(id, s.notifications.length)
    api.fake().setRunStatus(id, 'COMPLETE')
  }
  beforeEach(() => finished.clear())

  /** Requests in every stretch of the journal beyond what the token bucket lets through (burst + share of the window, +1 for rounding). */
  function overBucket(times: number[]): string[] {
    const over: string[] = []
    for (let i = 0; i < times.length; i++)
      for (let j = i + 1; j < times.length; j++) {
        const allowed = BACKGROUND_BURST + Math.ceil((share * (times[j] - times[i])) / windowMs) + 1
        if (j - i + 1 > allowed) over.push(`${j - i + 1} requests in ${times[j] - times[i]} ms (allowed ${allowed})`)
      }
    return over
  }

  it('spreads the requests of a burst of 300 subscriptions: never more than the token bucket allows, no 429', async function () {
    this.timeout(60_000)
    const ids = Array.from({length: 300}, () => api.fake().addRun({status: 'ACTIVE'}).id)
    // A short interval: the monitor always has something due, so only the bucket holds it back.
    const s = await serve(api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100'}))
    await subscribeAll(s, ids)
    await untilRequests(api.fake(), () => true, 15, 45_000)
    const times = api.fake().requests.map((r) => r.at)
    expect(overBucket(times).slice(0, 5), 'stretches over the bucket').to.deep.equal([])
    expect(limited(), '429 answers').to.deep.equal([])
  })

  it('tells of a run that finishes right after a burst of 300 subscriptions at the next read of its page', async function () {
    this.timeout(60_000)
    const ids = Array.from({length: 300}, () => api.fake().addRun({status: 'ACTIVE'}).id)
    const s = await serve(api.env())
    // One after the other: the monitor goes round while they come in.
    await subscribeAll(s, ids, true)
    // Once the three pages were read (placing every run), the oldest of them, on the last page, finishes.
    await untilRequests(api.fake(), isList, 3, 45_000)
    const before = api.fake().requests.length
    finish(s, ids[0])
    await told(s, ids[0])
    const requests = api.fake().requests
    // The burst cost its discovery (three pages, and a single request before the list pays off), not
    // the budget: then one sweep of three pages finds the finish.
    expect(before, `requests before the finish: ${requests.map((r) => r.path).join(' ')}`).to.be.at.most(BACKGROUND_BURST + 3)
    expect(requests.length - before, 'requests from the finish to the notification').to.be.at.most(3)
    expect(limited()).to.deep.equal([])
  })

  it('keeps reading the same pages of the list as runs finish (each run read with the same others every time)', async function () {
    this.timeout(60_000)
    const ids = Array.from({length: 300}, () => api.fake().addRun({status: 'ACTIVE'}).id)
    const s = await serve(api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100'}))
    await subscribeAll(s, ids)
    await untilRequests(api.fake(), isList, 3, 45_000)
    // The newest run, and the newest of the second and third pages, finish.
    const heads = [ids[299], ids[199], ids[99]]
    for (const id of heads) finish(s, id)
    await Promise.all(heads.map((id) => told(s, id)))
    const mark = api.fake().requests.length
    await untilRequests(api.fake(), isList, api.fake().requests.filter(isList).length + 6, 45_000)
    const skips = api
      .fake()
      .requests.slice(mark)
      .filter(isList)
      .map((r) => Number(r.query.skip))
    expect(
      [...new Set(skips)].sort((a, b) => a - b),
      'pages read after the finishes',
    ).to.deep.equal([0, 100, 200])
    expect(limited()).to.deep.equal([])
  })

  it('reads one list page, not each run, when the page covers the watched runs', async function () {
    this.timeout(60_000)
    const ids = Array.from({length: 3}, () => api.fake().addRun({status: 'ACTIVE'}).id)
    const s = await serve(api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100'}))
    await subscribeAll(s, ids)
    await untilRequests(api.fake(), isList, 6, 45_000)
    const requests = api.fake().requests
    const firstList = requests.findIndex(isList)
    expect(
      requests
        .slice(firstList)
        .filter(isGet)
        .map((r) => r.path),
      'single-run requests once the list showed the runs',
    ).to.deep.equal([])
    // Before it: at most the first subscription, alone for a moment.
    expect(requests.slice(0, firstList).filter(isGet).length).to.be.at.most(1)
    finish(s, ids[1])
    await told(s, ids[1])
    expect(limited()).to.deep.equal([])
  })

  it("gets tool calls through while 1,000 runs are watched, and tells of the oldest run's finish within one sweep", async function () {
    this.timeout(90_000)
    const seed = api.fake().runs.map((r) => r.id)
    const ids = Array.from({length: 1000}, () => api.fake().addRun({status: 'ACTIVE'}).id)
    const s = await serve(api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100'}))
    await subscribeAll(s, ids)
    // Placed by discovery: ten pages of 100.
    await untilRequests(api.fake(), isList, 10, 45_000)
    const mark = api.fake().requests.length
    finish(s, ids[0])
    // An assistant's tool calls meanwhile, on runs the monitor does not watch (so the journal tells them apart).
    const calls = await Promise.all(
      seed.slice(0, 8).map((id) => s.client.callTool({name: 'codegenapi_get_agent_run', arguments: {agent_run_id: id}})),
    )
    await told(s, ids[0])
    const after = api.fake().requests.slice(mark)
    expect(
      calls.map((c) => (c.isError ? 'error' : (c.structuredContent as {id?: number}).id)),
      'tool call answers',
    ).to.deep.equal(seed.slice(0, 8))
    // One sweep of the ten pages (one more when the sweep had begun) finds it; the list does all of it.
    expect(after.filter(isList).length, 'list reads from the finish to the notification').to.be.at.most(11)
    expect(after.filter(isGet).length, 'single-run requests: the tool calls only').to.equal(8)
    expect(limited(), '429 answers').to.deep.equal([])
  })

  it('`watch` in the CLI goes through the same monitor: one list page for runs it covers, a line for each finish', async function () {
    this.timeout(60_000)
    const ids = Array.from({length: 3}, () => api.fake().addRun({status: 'ACTIVE'}).id)
    const watching = runCli(['watch', ...ids.map(String)], {env: api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100'})})
    await untilRequests(api.fake(), isList, 3, 45_000)
    for (const id of ids) api.fake().setRunStatus(id, 'COMPLETE')
    const res = await watching
    expect(res.code, res.stderr).to.equal(0)
    for (const id of ids) expect(res.stdout).to.match(new RegExp(`run ${id}  ACTIVE -> COMPLETE`))
    const requests = api.fake().requests
    expect(
      requests
        .slice(requests.findIndex(isList))
        .filter(isGet)
        .map((r) => r.path),
      'single-run requests',
    ).to.deep.equal([])
    expect(limited()).to.deep.equal([])
  })
})
