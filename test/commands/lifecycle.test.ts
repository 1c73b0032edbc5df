import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

// The run lifecycle as the CLI shows it: watch, get, wait, logs and list record what they see, watch
// follows exactly what it is given, the offline fallback is marked, parent reports go out once.

const stateDir = (home: string) => path.join(home, '.local', 'state', 'codegenapi')
const stateFile = (home: string) => path.join(stateDir(home), 'runs.json')
const stateOf = (home: string) => JSON.parse(fs.readFileSync(stateFile(home), 'utf8')).runs

describe('lifecycle: watch', () => {
  const api = useFakeApi({runDurationMs: 400})
  const env = (extra: Record<string, string> = {}) => api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100', ...extra})
  const getsOf = (id: number) => api.fake().requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/agent/run/${id}`))

  it('F-31: watches exactly the given ids, not the other active runs of the state', async () => {
    const a = parseJson(await runCli(['new', '--query', 'first', '--json'], {env: env()}))
    const b = parseJson(await runCli(['new', '--query', 'second', '--json'], {env: env()}))
    // Counted from here: `new` itself may look at the run it started before it exits.
    const before = getsOf(a.id).length
    const res = await runCli(['watch', String(b.id)], {env: env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout).to.contain(`run ${b.id}`)
    expect(res.stdout + res.stderr).not.to.contain(String(a.id))
    expect(getsOf(a.id).length - before, 'requests about the run not asked for').to.equal(0)
    // A still follows its own course: a later `watch` with no ids takes it up.
    expect(stateOf(api.box().home)[a.id]).to.include({watched: true})
  })

  it('F-33: an unknown id exits 4 (not found), also beside a run that completes', async () => {
    const alone = await runCli(['watch', '99999'], {env: env()})
    expect(alone.code, alone.stderr).to.equal(4)
    expect(alone.stderr).to.contain('99999').and.not.to.contain('Timed out')
    const good = parseJson(await runCli(['new', '--query', 'ok', '--json'], {env: env()}))
    const both = await runCli(['watch', '99999', String(good.id)], {env: env()})
    expect(both.code, both.stderr).to.equal(4)
    expect(both.stdout).to.contain(`run 99999  not found`).and.to.contain(`run ${good.id}  COMPLETE`)
  })

  it('F-34: asks the API about a run the state says is finished, and follows it', async () => {
    const run = parseJson(await runCli(['new', '--query', 'again', '--json'], {env: env()}))
    expect((await runCli(['watch', String(run.id)], {env: env()})).code).to.equal(0)
    expect(stateOf(api.box().home)[run.id]).to.include({status: 'COMPLETE'})
    // Resumed elsewhere (the web app): working again.
    api.fake().setRunStatus(run.id, 'ACTIVE')
    const before = getsOf(run.id).length
    const res = await runCli(['watch', String(run.id), '--timeout', '1s'], {env: env()})
    expect(res.code, res.stdout + res.stderr).to.equal(124)
    expect(getsOf(run.id).length).to.be.greaterThan(before)
    expect(res.stdout).to.contain(`run ${run.id}  ACTIVE`)
  })

  it('F-43: prints the first status seen once, never an invented transition', async () => {
    const done = api.fake().runs.find((r) => r.status === 'COMPLETE')!
    const error = api.fake().runs.find((r) => r.status === 'ERROR')!
    const res = await runCli(['watch', String(done.id), String(error.id), '--timeout', '5s'], {env: env()})
    expect(res.code, res.stderr).to.equal(6)
    expect(res.stdout).not.to.contain('->').and.not.to.contain('unknown').and.not.to.contain('new')
    const lines = res.stdout.trim().split('\n')
    expect(lines.filter((l) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d  run ${done.id}  COMPLETE`).test(l))).to.have.length(1)
    expect(lines.filter((l) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d  run ${error.id}  ERROR`).test(l))).to.have.length(1)
  })

  it("F-44: --json prints the API's objects", async () => {
    const done = api.fake().runs.find((r) => r.status === 'COMPLETE' && r.github_pull_requests?.length)!
    const res = await runCli(['watch', String(done.id), '--json'], {env: env()})
    expect(res.code, res.stderr).to.equal(0)
    const [run] = parseJson<any[]>(res)
    expect(run).to.include.keys('organization_id', 'github_pull_requests', 'status', 'web_url')
    expect(run).not.to.have.any.keys('org_id', 'prs', 'watched_since', 'last_seen', 'watched')
    expect(run.github_pull_requests).to.deep.equal(done.github_pull_requests)
  })
})

describe('lifecycle: the state follows what commands see', () => {
  const api = useFakeApi({runDurationMs: 300})
  const env = () => api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100'})

  it('F-32: --wait records the final status, and the run is no longer watched', async () => {
    const res = await runCli(['new', '--query', 'stale', '--wait', '--json'], {env: env()})
    expect(res.code, res.stderr).to.equal(0)
    const run = parseJson(res)
    expect(run.status).to.equal('COMPLETE')
    expect(stateOf(api.box().home)[run.id]).to.include({status: 'COMPLETE', watched: false})
  })

  it('F-32: get, list and logs record a status change of a run the state knows', async () => {
    for (const cmd of [['get'], ['logs'], ['list', '--limit', '5']]) {
      const run = parseJson(await runCli(['new', '--query', cmd[0], '--json'], {env: env()}))
      expect(stateOf(api.box().home)[run.id]).to.include({status: 'ACTIVE', watched: true})
      api.fake().setRunStatus(run.id, 'FAILED')
      const args = cmd[0] === 'list' ? cmd : [cmd[0], String(run.id)]
      const res = await runCli([...args, '--json'], {env: env()})
      expect(res.code, `${cmd[0]}: ${res.stderr}`).to.equal(0)
      expect(stateOf(api.box().home)[run.id], cmd[0]).to.include({status: 'FAILED', watched: false})
    }
  })

  it('--wait gives up at once, exit 1, when the API cannot be reached (it does not wait for nothing)', async () => {
    const offline = api.env({CODEGEN_API_BASE_URL: 'http://127.0.0.1:9', CODEGENAPI_RETRY_BASE_MS: '1'})
    const res = await runCli(['get', '7059', '--wait', '--timeout', '10m'], {env: offline})
    expect(res.code, res.stderr).to.equal(1)
    expect(res.stderr).to.contain('Could not reach')
  })

  it('F-41: a resumed run is recorded as watched even while the API shows its old final status', async () => {
    const run = api.fake().runs.find((r) => r.status === 'COMPLETE')!
    const body = {...run, github_pull_requests: run.github_pull_requests ?? [], creator_id: undefined}
    api.fake().inject({method: 'POST', path: /\/resume$/, status: 200, body})
    const res = await runCli(['resume', String(run.id), '-q', 'more'], {env: env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(stateOf(api.box().home)[run.id]).to.include({status: 'COMPLETE', watched: true})
  })
})

describe('lifecycle: get falls back to the local state, marked', () => {
  const api = useFakeApi({runDurationMs: 300})
  const env = (extra: Record<string, string> = {}) => api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100', ...extra})

  it('F-35: rate-limited: the recorded run, stale in --json, exit 5', async () => {
    const run = parseJson(await runCli(['new', '--query', 'limited', '--json'], {env: env()}))
    api.fake().inject({method: 'GET', path: new RegExp(`/agent/run/${run.id}$`), status: 429, headers: {'retry-after': '120'}, times: 10})
    const res = await runCli(['get', String(run.id), '--json'], {env: env()})
    expect(res.code, res.stderr).to.equal(5)
    const out = parseJson(res)
    expect(out).to.include({id: run.id, stale: true})
    expect(out.last_seen).to.be.a('string')
    expect(res.stderr).to.match(/local run state, as last seen \d{4}-/)
    const fields = await runCli(['get', String(run.id), '--json', 'id,stale'], {env: env()})
    expect(parseJson(fields)).to.deep.equal({id: run.id, stale: true})
  })

  it('F-35: unreachable: the recorded run, stale, exit 1; an unknown run is an error', async () => {
    const run = parseJson(await runCli(['new', '--query', 'offline', '--json'], {env: env()}))
    const offline = env({CODEGEN_API_BASE_URL: 'http://127.0.0.1:9', CODEGENAPI_RETRY_BASE_MS: '1'})
    const res = await runCli(['get', String(run.id), '--json'], {env: offline})
    expect(res.code).to.equal(1)
    expect(parseJson(res)).to.include({id: run.id, stale: true, status: 'ACTIVE'})
    const human = await runCli(['get', String(run.id)], {env: offline})
    expect(human.code).to.equal(1)
    expect(human.stderr).to.contain('Could not reach').and.to.contain('local run state')
  })

  it('F-69: a record with wrong types is dropped, not a crash', async () => {
    fs.mkdirSync(stateDir(api.box().home), {recursive: true})
    const bad = {id: 7059, status: 'ACTIVE', summary: {a: 1}, prs: [], watched_since: '2026-01-01T00:00:00.000Z', watched: true}
    const odd = {id: 7058, status: 'ACTIVE', parent_run_id: 'abc', parent_report: 'pending', prs: [], watched_since: 'x', watched: true}
    fs.writeFileSync(stateFile(api.box().home), JSON.stringify({version: 1, runs: {7059: bad, 7058: odd}}))
    const offline = env({CODEGEN_API_BASE_URL: 'http://127.0.0.1:9', CODEGENAPI_RETRY_BASE_MS: '1'})
    const res = await runCli(['get', '7059'], {env: offline})
    expect(res.code).to.equal(1)
    expect(res.stderr).to.contain('Could not reach').and.not.to.contain('is not a function')
    // The malformed parent is never asked for: no request for "abc".
    const watch = await runCli(['watch', '--timeout', '2s'], {env: env()})
    expect(watch.stderr).not.to.contain('is not a function')
    expect(api.fake().requests.filter((r) => r.path.includes('/agent/run/abc'))).to.have.length(0)
  })
})

describe('lifecycle: the state file', () => {
  const api = useFakeApi({runDurationMs: 60_000})
  const env = () => api.env()

  it('F-63: 20 parallel `new` give 20 records', async () => {
    const results = await Promise.all(
      Array.from({length: 20}, (_, i) => runCli(['new', '--query', `conc ${i}`, '--json'], {env: env(), timeoutMs: 60_000})),
    )
    for (const r of results) expect(r.code, r.stderr).to.equal(0)
    const ids = results.map((r) => parseJson(r).id)
    expect(Object.keys(stateOf(api.box().home)).map(Number).sort()).to.deep.equal([...ids].sort())
    expect(fs.readdirSync(stateDir(api.box().home)).filter((f) => f !== 'runs.json')).to.deep.equal([])
  })

  it('F-65: a failed state write says so naming the run, and leaves no temporary file', async () => {
    fs.mkdirSync(stateFile(api.box().home), {recursive: true}) // a directory where the file should be
    const res = await runCli(['new', '--query', 'not recorded', '--json'], {env: env()})
    expect(res.code, res.stderr).to.equal(0)
    const run = parseJson(res)
    expect(res.stderr).to.contain(`Could not record run ${run.id} in the local run state`)
    expect(fs.readdirSync(stateDir(api.box().home))).to.deep.equal(['runs.json'])
  })

  it('F-65: a corrupt state file is set aside with a note', async () => {
    fs.mkdirSync(stateDir(api.box().home), {recursive: true})
    fs.writeFileSync(stateFile(api.box().home), '{trunc')
    const res = await runCli(['new', '--query', 'corrupt', '--json'], {env: env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stderr).to.contain('not valid JSON').and.to.contain('moved to')
    const files = fs.readdirSync(stateDir(api.box().home))
    expect(files.filter((f) => f.startsWith('runs.json.corrupt-'))).to.have.length(1)
    expect(stateOf(api.box().home)[parseJson(res).id]).to.include({watched: true})
  })
})

describe('lifecycle: the repository cache', () => {
  const api = useFakeApi({runDurationMs: 60_000})
  const cacheFile = (home: string) => {
    const dir = path.join(home, '.cache', 'codegenapi')
    return path.join(
      dir,
      fs.readdirSync(dir).find((f) => f.startsWith('repos-'))!,
    )
  }
  const creates = () => api.fake().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/agent/run'))

  it('F-69: malformed cache entries are dropped, and a cache from the future is not believed', async () => {
    const repo = api.fake().repos[2]
    expect((await runCli(['new', '--repo', repo.full_name, '-q', 'x'], {env: api.env()})).code).to.equal(0)
    const file = cacheFile(api.box().home)
    const poisoned = {
      at: Date.now() + 86_400_000,
      repos: [null, {id: '3001; rm', full_name: repo.full_name}, {id: 3001, full_name: 42}, {id: -1, full_name: repo.full_name}],
    }
    fs.writeFileSync(file, JSON.stringify(poisoned))
    const res = await runCli(['new', '--repo', repo.full_name, '-q', 'again'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stderr).not.to.contain('Cannot read properties')
    expect(creates().at(-1)!.body.repo_id).to.equal(repo.id)
  })
})

describe('lifecycle: logs --follow', () => {
  const api = useFakeApi({runDurationMs: 300, outcome: 'FAILED'})

  it('F-42: ends with exit 6 when the run ends FAILED, as watch does', async () => {
    const run = parseJson(await runCli(['new', '--query', 'x', '--json'], {env: api.env()}))
    const res = await runCli(['logs', String(run.id), '--follow'], {env: api.env()})
    expect(res.stderr).to.contain('is FAILED')
    expect(res.code).to.equal(6)
  })
})

describe('lifecycle: parent reports across processes', () => {
  const api = useFakeApi({runDurationMs: 300})
  const env = () => api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100'})
  const resumesOf = (id: number) =>
    api.fake().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/resume') && r.body?.agent_run_id === id)

  it('F-3: two watchers side by side resume the parent once', async () => {
    const parent = api.fake().runs.find((r) => r.status === 'COMPLETE')!
    const child = parseJson(await runCli(['new', '--parent', String(parent.id), '--query', 'child', '--json'], {env: env()}))
    // Both watchers check the parent at about the same time: each sees it COMPLETE.
    api.fake().inject({method: 'GET', path: new RegExp(`/agent/run/${parent.id}$`), kind: 'delay', delayMs: 400, times: 2})
    const [w1, w2] = await Promise.all([
      runCli(['watch', '--timeout', '20s'], {env: env()}),
      runCli(['watch', '--timeout', '20s'], {env: env()}),
    ])
    expect(w1.code, w1.stderr).to.equal(0)
    expect(w2.code, w2.stderr).to.equal(0)
    expect(resumesOf(parent.id)).to.have.length(1)
    expect(resumesOf(parent.id)[0].body.prompt).to.contain(`Report from child agent run ${child.id}`)
    expect(stateOf(api.box().home)[child.id]).to.include({parent_report: 'sent'})
    // And never again, from any later process.
    await runCli(['watch', String(child.id)], {env: env()})
    expect(resumesOf(parent.id)).to.have.length(1)
  })

  it('F-6: a parent is taken only from --parent, never from --metadata', async () => {
    const parent = api.fake().runs.find((r) => r.status === 'COMPLETE')!
    // `new` refuses the reserved key (F-5), sending nothing; a run created elsewhere may still carry it.
    const res = await runCli(['new', '--query', 'x', '-m', `parent_run_id=${parent.id}`, '--json'], {env: env()})
    expect(res.code, res.stderr).to.equal(2)
    expect(api.fake().requests.filter((r) => r.method === 'POST')).to.have.length(0)
    const child = api.fake().addRun({status: 'ACTIVE', metadata: {parent_run_id: parent.id}}, {live: true})
    expect((await runCli(['watch', String(child.id)], {env: env()})).code).to.equal(0)
    expect(resumesOf(parent.id)).to.have.length(0)
    expect(stateOf(api.box().home)[child.id].parent_run_id ?? null).to.equal(null)
  })
})

describe('lifecycle: get and list show what a run is about and where', () => {
  const api = useFakeApi({runDurationMs: 60_000})

  it('F-54: get shows the repository alone on "Repo", PRs on their own lines', async () => {
    const run = api.fake().runs.find((r) => r.github_pull_requests?.length)!
    const res = await runCli(['get', String(run.id)], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    const repoLine = res.stdout.split('\n').find((l) => l.startsWith('Repo'))!
    expect(repoLine).not.to.contain('#')
    expect(res.stdout).to.match(/^PRs\s+.*https:\/\/github\.com\//m)
  })

  it('F-39: list --repo finds a run started with --repo-id, and shows its repository', async () => {
    const repo = api.fake().repos[5]
    const byId = parseJson(await runCli(['new', '--repo-id', String(repo.id), '--query', 'by id', '--json'], {env: api.env()}))
    const res = await runCli(['list', '--repo', repo.full_name, '--limit', '5', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson<any[]>(res).map((r) => r.id)).to.include(byId.id)
    const table = await runCli(['list', '--limit', '2'], {env: api.env()})
    const row = table.stdout.split('\n').find((l) => l.startsWith(String(byId.id)))!
    expect(row).to.contain(repo.full_name)
  })

  it('F-79: an unknown --repo is refused with the closest names, before any run is read', async () => {
    const repo = api.fake().repos[3]
    const typo = repo.full_name.slice(0, -1)
    const unknown = await runCli(['list', '--repo', typo], {env: api.env()})
    expect(unknown.code).to.equal(4)
    expect(unknown.stderr).to.contain(`Repository ${typo} is not in organization`).and.to.contain(repo.full_name)
    expect(api.fake().requests.filter((r) => r.path.endsWith('/agent/runs'))).to.have.length(0)
  })

  it('list --user LOGIN filters by that user; an unknown login is refused', async () => {
    const user = api.fake().users[4]
    const res = await runCli(['list', '--user', user.github_username, '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    const calls = api.fake().requests.filter((r) => r.path.endsWith('/agent/runs'))
    expect(calls.at(-1)!.query).to.include({user_id: String(user.id)})
    const none = await runCli(['list', '--user', 'nobody-here-xyz'], {env: api.env()})
    expect(none.code).to.equal(4)
    expect(none.stderr).to.contain('No user nobody-here-xyz')
  })

  it('list says when more runs exist than --limit shows', async () => {
    const res = await runCli(['list', '--limit', '3'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stderr).to.contain('3 shown; --limit 100 for more.')
    const all = await runCli(['list', '--limit', '1000'], {env: api.env()})
    expect(all.stderr).not.to.contain('shown;')
  })

  it('list has a column with what each run was about (its title)', async () => {
    api.fake().addRun({status: 'ACTIVE', metadata: {title: 'Add retry logic to the client\nmore lines'}})
    const res = await runCli(['list', '--limit', '1'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout.split('\n')[0]).to.match(/\bABOUT\b/)
    expect(res.stdout).to.contain('Add retry logic to the client').and.not.to.contain('more lines')
  })
})

describe('lifecycle: a filtered list reads a bounded number of pages', () => {
  const api = useFakeApi({runCount: 2500})

  it('F-79: stops after the page cap and says so', async () => {
    // Nothing matches: five pages, then it says so.
    for (const r of api.fake().runs) if (r.status === 'CANCELLED') api.fake().setRunStatus(r.id, 'COMPLETE')
    const res = await runCli(['list', '--status', 'cancelled', '--limit', '900'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    const pages = api.fake().requests.filter((r) => r.path.endsWith('/agent/runs'))
    expect(pages.length).to.equal(20)
    expect(res.stderr).to.contain('Searched the newest 2000 agent runs and stopped after 2000 in a row matched nothing')
  })

  it('F-79: a filter that keeps matching is not cut off: it reads as far as --limit needs', async () => {
    const fake = api.fake()
    // One STOPPED run every 100 runs, nine pages deep: never a run of empty pages.
    const ids = fake.runs.map((r) => r.id).sort((a, b) => b - a)
    const sparse = ids.filter((_, i) => i % 100 === 50).slice(0, 9)
    for (const r of fake.runs) if (r.status === 'STOPPED') fake.setRunStatus(r.id, 'COMPLETE')
    for (const id of sparse) fake.setRunStatus(id, 'STOPPED')
    const res = await runCli(['list', '--status', 'stopped', '--limit', '9', '--json', 'id'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson<{id: number}[]>(res).map((r) => r.id)).to.deep.equal(sparse)
    expect(res.stderr).not.to.contain('stopped')
  })
})
