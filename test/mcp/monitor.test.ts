import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {CodegenError} from '../../src/api/errors.js'
import {RateLimiter} from '../../src/api/rate-limiter.js'
import type {AgentRun} from '../../src/api/schemas.js'
import type {ServiceContext} from '../../src/services/context.js'
import {RunMonitor, type RunUpdate} from '../../src/services/monitor.js'
import {StateStore} from '../../src/services/state.js'

/** A stand-in API: runs by id, a request log, and a rate limiter the test controls (roomy unless replaced). */
class StubApi {
  runs = new Map<number, AgentRun>()
  calls: string[] = []
  fail?: CodegenError
  limiter = new RateLimiter({standard: {limit: 6000, windowMs: 30_000}})

  add(id: number, status = 'ACTIVE'): AgentRun {
    const run = {
      id,
      organization_id: 1,
      status,
      created_at: new Date(Date.UTC(2025, 0, 1, 0, 0, id)).toISOString(),
      web_url: `https://codegen.com/agent/trace/${id}`,
    }
    this.runs.set(id, run)
    return run
  }

  set(id: number, status: string, patch: Partial<AgentRun> = {}) {
    this.runs.set(id, {...this.runs.get(id)!, status, ...patch})
  }

  context(): ServiceContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the stub client's methods record their calls on this StubApi
    const api = this
    return {
      config: {baseUrl: 'http://stub', sources: {} as never, userFile: '', warnings: []},
      env: {},
      orgId: () => 1,
      client: () =>
        ({
          limiter: api.limiter,
          async run(_org: number, id: number) {
            api.calls.push(`run ${id}`)
            if (api.fail) throw api.fail
            const run = api.runs.get(id)
            if (!run) throw new CodegenError('not_found', `Agent run ${id} not found`)
            return run
          },
          async runs(_org: number, q: {skip?: number; limit?: number}) {
            api.calls.push(`runs skip=${q.skip}`)
            if (api.fail) throw api.fail
            const all = [...api.runs.values()].sort((a, b) => b.id - a.id)
            const items = all.slice(q.skip ?? 0, (q.skip ?? 0) + (q.limit ?? 100))
            return {items, total: all.length, page: 1, size: q.limit ?? 100, pages: 1}
          },
        }) as never,
    }
  }
}

function nextUpdate(monitor: RunMonitor, match: (u: RunUpdate) => boolean): Promise<RunUpdate> {
  return new Promise((resolve) => {
    const off = monitor.onUpdate((u) => {
      if (match(u)) {
        off()
        resolve(u)
      }
    })
  })
}

describe('run monitor', () => {
  let dir: string
  let store: StateStore
  let api: StubApi
  let monitor: RunMonitor
  const logs: string[] = []

  const makeMonitor = (opts: Partial<ConstructorParameters<typeof RunMonitor>[0]> = {}) =>
    new RunMonitor({
      context: async () => api.context(),
      store,
      intervalMs: 20,
      maxIntervalMs: 60,
      log: (l, m) => logs.push(`${l}: ${m}`),
      ...opts,
    })

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenapi-monitor-'))
    store = new StateStore(path.join(dir, 'runs.json'))
    await store.load()
    api = new StubApi()
    logs.length = 0
    monitor = makeMonitor()
  })
  afterEach(async () => {
    await monitor.stop()
    fs.rmSync(dir, {recursive: true, force: true})
  })

  it('follows a run to its end, tells listeners, and records it as finished', async () => {
    const run = api.add(5)
    const record = monitor.watch(run)
    expect(record.watched).to.equal(true)
    const done = nextUpdate(monitor, (u) => u.terminal)
    api.set(5, 'COMPLETE', {
      result: 'All done',
      github_pull_requests: [{id: 1, title: 'Fix', url: 'https://github.com/a/b/pull/9', created_at: '2025-01-01T00:00:00Z'}],
    })
    const update = await done
    expect(update.statusChanged).to.equal(true)
    expect(update.previousStatus).to.equal('ACTIVE')
    expect(update.record.result).to.equal('All done')
    expect(monitor.isWatched(5)).to.equal(false)
    await store.flush()
    const saved = JSON.parse(fs.readFileSync(store.file, 'utf8')).runs['5']
    expect(saved).to.include({status: 'COMPLETE', watched: false, result: 'All done'})
    expect(saved.prs[0].url).to.equal('https://github.com/a/b/pull/9')
  })

  it('writes a run that polls found unchanged at most once a minute, not once a poll', async () => {
    for (const id of [21, 22, 23]) monitor.watch(api.add(id))
    const polls = (n: number) =>
      new Promise<void>((resolve) => {
        let seen = 0
        const off = monitor.onPoll(() => {
          if (++seen >= n) {
            off()
            resolve()
          }
        })
      })
    await polls(3)
    await store.flush()
    const before = {text: fs.readFileSync(store.file, 'utf8'), mtime: fs.statSync(store.file).mtimeMs}
    await polls(12)
    await store.flush()
    expect(api.calls.length, 'polls made').to.be.greaterThan(3)
    expect(fs.readFileSync(store.file, 'utf8'), 'the state file after quiet polls').to.equal(before.text)
    expect(fs.statSync(store.file).mtimeMs).to.equal(before.mtime)
    // A change is written at once.
    const done = nextUpdate(monitor, (u) => u.terminal && u.record.id === 22)
    api.set(22, 'COMPLETE')
    await done
    await store.flush()
    expect(JSON.parse(fs.readFileSync(store.file, 'utf8')).runs['22']).to.include({status: 'COMPLETE', watched: false})
  })

  it('keeps polling a run whose status it does not know, without crashing', async () => {
    monitor.watch(api.add(6, 'THINKING_HARD'))
    await new Promise<void>((resolve) => {
      const off = monitor.onPoll((r) => {
        if (r.id === 6 && api.calls.length >= 2) {
          off()
          resolve()
        }
      })
    })
    expect(monitor.isWatched(6)).to.equal(true)
  })

  it('reads the list endpoint instead of one request a run when many runs are watched', async () => {
    const ids = [11, 12, 13, 14, 15, 16]
    for (const id of ids) monitor.watch(id)
    for (const id of ids) api.add(id)
    const finished = Promise.all(ids.map((id) => nextUpdate(monitor, (u) => u.record.id === id && u.terminal)))
    for (const id of ids) api.set(id, 'COMPLETE')
    await finished
    expect(api.calls.filter((c) => c.startsWith('runs')).length).to.be.greaterThan(0)
    expect(
      api.calls.filter((c) => c.startsWith('run ')),
      'single-run requests',
    ).to.deep.equal([])
  })

  it('keeps the base cadence for runs it sees through the list endpoint, however long nothing changes', async () => {
    monitor = makeMonitor({intervalMs: 20, maxIntervalMs: 10_000})
    const ids = [21, 22, 23, 24, 25]
    for (const id of ids) api.add(id)
    for (const id of ids) monitor.watch(id)
    // Many unchanged rounds: a per-run back-off would stretch the interval towards 10 s (doubling from
    // 20 ms, 12 rounds take ~40 s); the base cadence of 20 ms gets there in a quarter of a second. 5 s of
    // wall time leaves room for a busy machine without letting a back-off through.
    const started = Date.now()
    while (Date.now() - started < 5000 && api.calls.filter((c) => c.startsWith('runs')).length < 12)
      await new Promise((r) => setTimeout(r, 20))
    const rounds = api.calls.filter((c) => c.startsWith('runs')).length
    expect(rounds, `list rounds while nothing changed; calls ${api.calls.join(', ')}; logs: ${logs.join(' | ')}`).to.be.at.least(12)
    const done = nextUpdate(monitor, (u) => u.record.id === 23 && u.terminal)
    api.set(23, 'COMPLETE')
    const before = api.calls.length
    await done
    // Noticed by the next round or two, not after a stretched interval.
    expect(api.calls.length - before).to.be.at.most(2)
  })

  it('reads runs watched at different moments together in one list request', async () => {
    monitor = makeMonitor({intervalMs: 200})
    for (const id of [21, 22, 23, 24, 25]) api.add(id)
    monitor.watch(21)
    monitor.watch(22)
    await new Promise<void>((resolve) => {
      const off = monitor.onPoll((r) => r.id === 22 && (off(), resolve()))
    })
    for (const id of [23, 24, 25]) monitor.watch(id)
    const mark = api.calls.length
    await new Promise<void>((resolve) => {
      let polls = 0
      const off = monitor.onPoll((r) => r.id === 25 && ++polls === 3 && (off(), resolve()))
    })
    // The two groups found by the list become one: no run is asked for on its own.
    expect(
      api.calls.slice(mark).filter((c) => c.startsWith('run ')),
      `calls: ${api.calls.join(', ')}`,
    ).to.deep.equal([])
  })

  it('asks for a run the list does not show near the others on its own', async () => {
    for (let id = 1; id <= 150; id++) api.add(id, 'COMPLETE')
    // Run 3 is old: far past the newest runs 140, 139, 138, which one list request covers.
    for (const id of [3, 138, 139, 140]) api.set(id, 'ACTIVE')
    for (const id of [3, 138, 139, 140]) monitor.watch(id)
    const all = Promise.all([3, 138, 139, 140].map((id) => nextUpdate(monitor, (u) => u.record.id === id && u.terminal)))
    await new Promise<void>((resolve) => {
      const off = monitor.onPoll((r) => r.id === 3 && (off(), resolve()))
    })
    for (const id of [3, 138, 139, 140]) api.set(id, 'FAILED')
    await all
    expect(api.calls).to.include('run 3')
    expect(
      api.calls.filter((c) => /^run 1\d\d$/.test(c)),
      'single requests for the three newest',
    ).to.deep.equal([])
  })

  it('leaves the reserve of the rate-limit window to tool calls', async () => {
    api.limiter = new RateLimiter({standard: {limit: 12, windowMs: 1000}})
    // Tool calls took 6 of 12: the other 6 are their reserve, never the monitor's.
    for (let i = 0; i < 6; i++) await api.limiter.acquire('standard')
    monitor.watch(api.add(21))
    await new Promise((r) => setTimeout(r, 150))
    expect(api.calls).to.deep.equal([])
    expect(api.limiter.remaining('standard')).to.equal(6)
    // Once the window has moved on, it polls again.
    const done = nextUpdate(monitor, (u) => u.terminal)
    api.set(21, 'COMPLETE')
    await done
    expect(api.calls.length).to.be.greaterThan(0)
  })

  it('keeps every run watched through API errors and picks up afterwards', async () => {
    monitor.watch(api.add(31))
    api.fail = new CodegenError('rate_limit', 'Rate limit reached on GET /agent/run (HTTP 429)')
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (api.calls.length >= 2) {
          clearInterval(timer)
          resolve()
        }
      }, 5)
    })
    expect(monitor.isWatched(31)).to.equal(true)
    expect(logs.join('\n')).to.include('Rate limit reached')
    expect(
      logs.filter((l) => l.includes('Rate limit reached')),
      'the same problem is logged once',
    ).to.have.length(1)
    const done = nextUpdate(monitor, (u) => u.terminal)
    api.fail = undefined
    api.set(31, 'ERROR')
    expect((await done).record.status).to.equal('ERROR')
  })

  it('stops watching a run the API does not know', async () => {
    monitor.watch(404)
    await new Promise<void>((resolve) => {
      const off = monitor.onPoll((r) => {
        if (r.id === 404 && !r.watched) {
          off()
          resolve()
        }
      })
    })
    // A run that does not exist is not recorded (the state file keeps runs that exist).
    expect(store.get(404)).to.equal(undefined)
    expect(monitor.isWatched(404)).to.equal(false)
    expect(logs.join('\n')).to.include('Agent run 404 was not found')
  })

  it('resumes the runs a previous process left active', async () => {
    api.add(41)
    store.put({id: 41, status: 'ACTIVE', prs: [], watched_since: new Date().toISOString(), watched: true})
    store.put({id: 42, status: 'COMPLETE', prs: [], watched_since: new Date().toISOString(), watched: false})
    await store.flush()
    const restartedStore = new StateStore(store.file)
    await restartedStore.load()
    await monitor.stop()
    store = restartedStore
    monitor = makeMonitor()
    const done = nextUpdate(monitor, (u) => u.record.id === 41 && u.terminal)
    expect(monitor.start().map((r) => r.id)).to.deep.equal([41])
    api.set(41, 'COMPLETE')
    await done
  })

  it('waitFor: resolves when the run ends, or with the run as it stands when time runs out', async () => {
    const run = api.add(51)
    const polls: string[] = []
    const short = await monitor.waitFor(run, {timeoutMs: 60, onPoll: (r) => polls.push(String(r.status))})
    expect(short.finished).to.equal(false)
    expect(short.record.status).to.equal('ACTIVE')
    const waiting = monitor.waitFor(51, {timeoutMs: 20_000})
    api.set(51, 'COMPLETE')
    const long = await waiting
    expect(long.finished).to.equal(true)
    expect(long.record.status).to.equal('COMPLETE')
  })

  it('keeps following a resumed run that still shows its old final status', async () => {
    const run = api.add(71, 'COMPLETE')
    const record = monitor.watch(run, {resumed: true})
    expect(record.watched).to.equal(true)
    // Two polls that still say COMPLETE do not end it...
    await new Promise<void>((resolve) => {
      let polls = 0
      const off = monitor.onPoll((r) => {
        if (r.id === 71 && ++polls === 2) {
          off()
          resolve()
        }
      })
    })
    expect(monitor.isWatched(71)).to.equal(true)
    // ...then it works, and finishes again.
    const active = nextUpdate(monitor, (u) => u.record.id === 71 && u.record.status === 'ACTIVE')
    api.set(71, 'ACTIVE')
    await active
    const waiting = monitor.waitFor(71, {timeoutMs: 20_000})
    api.set(71, 'COMPLETE', {result: 'second answer'})
    const done = await waiting
    expect(done.finished).to.equal(true)
    expect(done.record.result).to.equal('second answer')
  })

  it('gives up the grace after a few polls when a resumed run never moves', async () => {
    const run = api.add(72, 'COMPLETE')
    const waited = await monitor.waitFor(run, {timeoutMs: 20_000})
    expect(waited.finished).to.equal(true)
    monitor.watch(run, {resumed: true})
    const result = await monitor.waitFor(72, {timeoutMs: 20_000})
    expect(result.finished).to.equal(true)
    // Three polls of grace, then the fourth is believed.
    expect(api.calls.filter((c) => c === 'run 72').length).to.equal(4)
  })

  it('waitFor: ends at once when the signal aborts', async () => {
    const controller = new AbortController()
    const waiting = monitor.waitFor(api.add(61), {timeoutMs: 20_000, signal: controller.signal})
    controller.abort()
    expect((await waiting).finished).to.equal(false)
  })
})
