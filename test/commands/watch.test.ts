import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {parseJson, runCli, runOnTty} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

const stateOf = (home: string) => JSON.parse(fs.readFileSync(path.join(home, '.local', 'state', 'codegenapi', 'runs.json'), 'utf8')).runs

describe('watch', () => {
  const api = useFakeApi({runDurationMs: 500})
  const env = () => api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100'})

  it('follows a run to COMPLETE, one line per change and the PR link, exit 0', async () => {
    const run = parseJson(await runCli(['new', '--repo', 'Zeeeepa/codegen.py', '--query', 'q', '--json'], {env: env()}))
    const res = await runCli(['watch', String(run.id)], {env: env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout).to.match(new RegExp(`run ${run.id}  ACTIVE -> COMPLETE`))
    expect(res.stdout).to.match(new RegExp(`run ${run.id}  PR .*https://github.com/`))
    expect(res.stdout).to.match(new RegExp(`run ${run.id}  COMPLETE  Zeeeepa/codegen.py`))
  })

  it('on a terminal, redraws a live board in place', async () => {
    const run = parseJson(await runCli(['new', '--query', 'q', '--json'], {env: env()}))
    const res = await runOnTty(['watch', String(run.id)], {env: env(), steps: []})
    expect(res.code, res.output).to.equal(0)
    expect(res.output).to.match(/\u001b\[\d+A\u001b\[0J/) // cursor up, clear: the board is redrawn
    expect(res.output).to.match(new RegExp(`\\n${run.id}\\s+COMPLETE`)) // a row of the board, under its header (F-60)
    expect(res.output).not.to.contain('ACTIVE -> COMPLETE') // no log lines on a terminal
  })

  it('with no ids watches the runs `new` recorded in the local state', async () => {
    const a = parseJson(await runCli(['new', '--query', 'a', '--json'], {env: env()}))
    const b = parseJson(await runCli(['new', '--query', 'b', '--json'], {env: env()}))
    expect(stateOf(api.box().home)[a.id]).to.include({watched: true})
    const res = await runCli(['watch', '--json'], {env: env()})
    expect(res.code, res.stderr).to.equal(0)
    const runs = parseJson<any[]>(res)
    expect(runs.map((r) => r.id).sort()).to.deep.equal([a.id, b.id].sort())
    expect(runs.every((r) => r.status === 'COMPLETE')).to.equal(true)
    expect(stateOf(api.box().home)[a.id]).to.include({watched: false, status: 'COMPLETE'})
  })

  it('exits 6 when a run ends otherwise, naming the worst outcome', async () => {
    const good = parseJson(await runCli(['new', '--query', 'ok', '--json'], {env: env()}))
    const bad = api.fake().runs.find((r) => r.status === 'FAILED')!
    const res = await runCli(['watch', String(good.id), String(bad.id)], {env: env()})
    expect(res.code).to.equal(6)
    expect(res.stdout).to.contain(`run ${bad.id}  FAILED`)
  })

  it('exits 124 when time runs out', async () => {
    const active = api.fake().runs.find((r) => r.status === 'ACTIVE')!
    const res = await runCli(['watch', String(active.id), '--timeout', '1s'], {env: env()})
    expect(res.code).to.equal(124)
    expect(res.stderr).to.contain('Timed out after 1s')
  })

  it('refuses ids that are not positive integers (exit 2)', async () => {
    const res = await runCli(['watch', '12', 'abc'], {env: env()})
    expect(res.code).to.equal(2)
    expect(api.fake().requests).to.have.length(0)
  })
})

describe('parent runs', () => {
  const api = useFakeApi({runDurationMs: 500})
  const env = (extra: Record<string, string> = {}) => api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100', ...extra})
  const resumesOf = (id: number) =>
    api.fake().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/resume') && r.body?.agent_run_id === id)

  it('a finished child resumes its COMPLETE parent with a report, once', async () => {
    const parent = api.fake().runs.find((r) => r.status === 'COMPLETE')!
    const child = parseJson(
      await runCli(['new', '--query', 'child work', '--json'], {env: env({CODEGEN_PARENT_RUN_ID: String(parent.id)})}),
    )
    const res = await runCli(['watch', String(child.id)], {env: env()})
    expect(res.code, res.stderr).to.equal(0)
    const resumes = resumesOf(parent.id)
    expect(resumes).to.have.length(1)
    expect(resumes[0].body.prompt).to.contain(`Report from child agent run ${child.id}: COMPLETE`).and.to.contain('Pull request:')
    expect(stateOf(api.box().home)[child.id]).to.include({parent_run_id: parent.id, parent_report: 'sent'})
    // Watching again never reports twice.
    api.fake().setRunStatus(parent.id, 'COMPLETE')
    await runCli(['watch', String(child.id)], {env: env()})
    expect(resumesOf(parent.id)).to.have.length(1)
  })

  it('queues the report while the parent is still running, and delivers it once the parent is COMPLETE', async () => {
    const parent = api.fake().runs.find((r) => r.status === 'ACTIVE')!
    const child = parseJson(await runCli(['new', '--parent', String(parent.id), '--query', 'child', '--json'], {env: env()}))
    expect((await runCli(['watch', String(child.id)], {env: env()})).code).to.equal(0)
    expect(resumesOf(parent.id)).to.have.length(0)
    expect(stateOf(api.box().home)[child.id]).to.include({parent_report: 'pending'})
    api.fake().setRunStatus(parent.id, 'COMPLETE')
    const res = await runCli(['watch'], {env: env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(resumesOf(parent.id)).to.have.length(1)
    expect(stateOf(api.box().home)[child.id]).to.include({parent_report: 'sent'})
  })
})

describe('get from the local run state', () => {
  const api = useFakeApi({runDurationMs: 300})

  it('shows a recorded run when the API cannot be reached, with a warning', async () => {
    const env = api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100'})
    const run = parseJson(await runCli(['new', '--query', 'remember me', '--json'], {env}))
    await runCli(['watch', String(run.id)], {env})
    const offline = await runCli(['get', String(run.id)], {
      env: {...env, CODEGEN_API_BASE_URL: 'http://127.0.0.1:9', CODEGENAPI_RETRY_BASE_MS: '1'},
    })
    // Shown, said on stderr, and never exit 0 (F-35): 1 when the API cannot be reached.
    expect(offline.code, offline.stderr).to.equal(1)
    expect(offline.stdout).to.contain(`Agent run ${run.id}`).and.to.contain('COMPLETE')
    expect(offline.stderr).to.contain('local run state')
    const unknown = await runCli(['get', '424242'], {
      env: {...env, CODEGEN_API_BASE_URL: 'http://127.0.0.1:9', CODEGENAPI_RETRY_BASE_MS: '1'},
    })
    expect(unknown.code).to.equal(1)
  })
})
