import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {parseJson, runCli} from '../helpers/cli.js'
import {untilRequests, useFakeApi} from '../helpers/fake.js'

const upper = (s: string | null | undefined) => (s ?? '').toUpperCase()

describe('get', () => {
  const api = useFakeApi({runDurationMs: 300})

  it('shows a run as JSON exactly as the API gave it', async () => {
    const run = api.fake().runs.find((r: any) => r.github_pull_requests?.length && r.summary)!
    const res = await runCli(['get', String(run.id), '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    const got = parseJson(res)
    expect(got.id).to.equal(run.id)
    expect(got.status).to.equal(run.status)
    expect(got.github_pull_requests).to.deep.equal(run.github_pull_requests)
  })

  it('shows status, PRs, web URL and summary for a person', async () => {
    const run = api.fake().runs.find((r: any) => r.github_pull_requests?.length && r.summary && r.web_url)!
    const res = await runCli(['get', String(run.id)], {env: api.env()})
    expect(res.code).to.equal(0)
    expect(res.stdout).to.contain(`Agent run ${run.id}`).and.to.contain(run.status!)
    expect(res.stdout).to.contain(run.web_url!).and.to.contain(run.github_pull_requests![0].url!)
  })

  it('exits 4 for an unknown run and 2 for an id that is not a positive integer', async () => {
    const missing = await runCli(['get', '99999999'], {env: api.env()})
    expect(missing.code).to.equal(4)
    expect(missing.stderr).to.contain('HTTP 404')
    for (const bad of ['abc', '0', '-5', '1.5']) {
      const res = await runCli(['get', bad], {env: api.env()})
      expect(res.code, bad).to.equal(2)
      expect(res.stderr).to.contain('must be a positive integer')
    }
  })

  it('--wait polls an active run until it completes', async () => {
    // The run ends when the test says so, after the CLI has polled it twice: however slow the machine.
    const run = api.fake().addRun({status: 'ACTIVE'})
    const isPoll = (r: {method: string; path: string}) => r.method === 'GET' && r.path.endsWith(`/agent/run/${run.id}`)
    const waiting = runCli(['get', String(run.id), '--wait', '--json'], {env: api.env()})
    await untilRequests(api.fake(), isPoll, 2)
    api.fake().setRunStatus(run.id, 'COMPLETE')
    const res = await waiting
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson(res).status).to.equal('COMPLETE')
    expect(api.fake().requests.filter(isPoll).length).to.be.greaterThan(2)
  })

  it('never prints control sequences from API text to a person, but keeps them in --json', async () => {
    const run = api
      .fake()
      .addRun({status: 'COMPLETE', summary: 'evil \u001b]0;pwned\u0007 title \u001b[31mred\u001b[0m', result: 'line1\n\u001b[2Jcleared'})
    const human = await runCli(['get', String(run.id)], {env: api.env()})
    expect(human.stdout).not.to.match(/\u001b/)
    expect(human.stdout).to.contain('evil title red').and.to.contain('cleared')
    const json = parseJson(await runCli(['get', String(run.id), '--json'], {env: api.env()}))
    expect(json.summary).to.equal(run.summary)
  })
})

describe('resume', () => {
  const api = useFakeApi({runDurationMs: 300})
  const resumes = () => api.fake().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/agent/run/resume'))

  it('resumes a COMPLETE run with agent_run_id and prompt in the body', async () => {
    const run = api.fake().runs.find((r: any) => r.status === 'COMPLETE')!
    const res = await runCli(['resume', String(run.id), '--query', 'Also add tests', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(resumes()[0].body).to.deep.include({agent_run_id: run.id, prompt: 'Also add tests'})
    expect(parseJson(res).status).to.equal('ACTIVE')
  })

  it('renders --task and attaches --image on resume', async () => {
    const run = api.fake().runs.find((r: any) => r.status === 'COMPLETE')!
    const img = path.join(api.box().home, 'a.gif')
    fs.writeFileSync(img, Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'))
    const res = await runCli(['resume', String(run.id), '--task', 'review', '--image', img, '--query', 'Check the edge cases'], {
      env: api.env(),
    })
    expect(res.code, res.stderr).to.equal(0)
    const body = resumes()[0].body
    expect(body.prompt)
      .to.match(/^Task: REVIEW\n\nReview the code/)
      .and.to.contain('Check the edge cases')
    expect(body.images[0]).to.match(/^data:image\/gif;base64,R0lGOD/)
  })

  it("accepts the seed's --agent_run_id and --agent-run-id", async () => {
    const run = api.fake().runs.find((r: any) => r.status === 'COMPLETE')!
    for (const flag of ['--agent_run_id', '--agent-run-id']) {
      api.fake().setRunStatus(run.id, 'COMPLETE')
      const res = await runCli(['resume', flag, String(run.id), '--query', 'more'], {env: api.env()})
      expect(res.code, res.stderr).to.equal(0)
      expect(res.stdout).to.contain(`Resumed agent run ${run.id}`)
    }
    expect(resumes()).to.have.length(2)
  })

  it('refuses a run that is not COMPLETE, naming its status, and sends no resume', async () => {
    const active = api.fake().runs.find((r: any) => r.status === 'ACTIVE')!
    const res = await runCli(['resume', String(active.id), '--query', 'more'], {env: api.env()})
    expect(res.code).to.equal(1)
    expect(res.stderr).to.contain(`Agent run ${active.id} is ACTIVE`).and.to.contain('only a COMPLETE run can be resumed')
    const failed = api.fake().runs.find((r: any) => r.status === 'FAILED')!
    const res2 = await runCli(['resume', String(failed.id), '--query', 'more', '--json'], {env: api.env()})
    expect(parseJson(res2).error.message).to.contain('is FAILED')
    expect(resumes()).to.have.length(0)
  })

  it('needs an id and a prompt (exit 2)', async () => {
    expect((await runCli(['resume', '--query', 'x'], {env: api.env()})).code).to.equal(2)
    expect((await runCli(['resume', '5'], {env: api.env()})).code).to.equal(2)
    expect(api.fake().requests).to.have.length(0)
  })

  it('--wait follows the resumed run to the end', async () => {
    const run = api.fake().runs.find((r: any) => r.status === 'COMPLETE')!
    const res = await runCli(['resume', String(run.id), '--query', 'again', '--wait', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson(res).status).to.equal('COMPLETE')
  })
})

describe('list', () => {
  const api = useFakeApi()
  const listCalls = () => api.fake().requests.filter((r) => r.path.endsWith('/agent/runs'))

  it('lists newest first, --limit runs, as the API objects', async () => {
    const res = await runCli(['list', '--limit', '5', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    const runs = parseJson<any[]>(res)
    expect(runs).to.have.length(5)
    const ids = runs.map((r) => r.id)
    expect(ids).to.deep.equal([...ids].sort((a, b) => b - a))
    expect(listCalls()[0].query).to.include({limit: '5', skip: '0'})
  })

  it('filters status case-insensitively with aliases, paging as needed', async () => {
    const expected = api.fake().runs.filter((r: any) => ['COMPLETE', 'COMPLETED'].includes(upper(r.status))).length
    const res = await runCli(['list', '--status', 'done', '--limit', '1000', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    const runs = parseJson<any[]>(res)
    expect(runs.length).to.equal(expected)
    expect(runs.every((r) => ['COMPLETE', 'COMPLETED'].includes(upper(r.status)))).to.equal(true)
    const running = parseJson<any[]>(await runCli(['list', '--status', 'RUNNING', '--limit', '1000', '--json'], {env: api.env()}))
    expect(running.length).to.be.greaterThan(0)
    expect(running.every((r) => ['ACTIVE', 'RUNNING', 'PENDING', 'QUEUED', 'IN_PROGRESS'].includes(upper(r.status)))).to.equal(true)
    const both = parseJson<any[]>(await runCli(['list', '--status', 'failed,error', '--limit', '1000', '--json'], {env: api.env()}))
    expect(both.map((r) => upper(r.status)).sort()).to.deep.equal(
      api
        .fake()
        .runs.filter((r: any) => ['FAILED', 'ERROR'].includes(upper(r.status)))
        .map((r: any) => upper(r.status))
        .sort(),
    )
  })

  it('stops paging as soon as --limit runs match', async () => {
    const res = await runCli(['list', '--status', 'complete', '--limit', '2', '--json'], {env: api.env()})
    expect(parseJson<any[]>(res)).to.have.length(2)
    expect(listCalls()).to.have.length(1)
    expect(listCalls()[0].query).to.include({limit: '100'})
  })

  it('refuses an unknown status, listing the valid ones', async () => {
    const res = await runCli(['list', '--status', 'paused'], {env: api.env()})
    expect(res.code).to.equal(2)
    expect(res.stderr).to.contain('Unknown status "paused"').and.to.contain('running').and.to.contain('cancelled')
    expect(api.fake().requests).to.have.length(0)
  })

  it('filters by repository through metadata or PR URLs', async () => {
    const withRepo = api.fake().runs.find((r: any) => typeof r.metadata?.repo === 'string')!
    const repo = withRepo.metadata!.repo as string
    const res = await runCli(['list', '--repo', repo.toUpperCase(), '--limit', '1000', '--json'], {env: api.env()})
    const runs = parseJson<any[]>(res)
    expect(runs.map((r) => r.id)).to.include(withRepo.id)
    for (const r of runs) {
      const inMeta = (r.metadata?.repo ?? '').toLowerCase() === repo.toLowerCase()
      const inPr = (r.github_pull_requests ?? []).some((p: any) =>
        (p.url ?? '').toLowerCase().includes(`github.com/${repo.toLowerCase()}/pull/`),
      )
      expect(inMeta || inPr, `run ${r.id}`).to.equal(true)
    }
  })

  it('passes --mine, --user-id and --source-type to the API', async () => {
    await runCli(['list', '--mine', '--json'], {env: api.env()})
    expect(listCalls().at(-1)!.query).to.include({user_id: String(api.fake().userId)})
    await runCli(['list', '--user-id', '1002', '--source-type', 'github', '--json'], {env: api.env()})
    expect(listCalls().at(-1)!.query).to.include({user_id: '1002', source_type: 'GITHUB'})
    const bad = await runCli(['list', '--source-type', 'carrier-pigeon'], {env: api.env()})
    expect(bad.code).to.equal(2)
    expect(bad.stderr).to.contain('Valid source types')
    const both = await runCli(['list', '--mine', '--user-id', '3'], {env: api.env()})
    expect(both.code).to.equal(2)
  })

  it('prints an aligned table with id, status, created, repo, pr, about and summary', async () => {
    const res = await runCli(['list', '--limit', '3'], {env: api.env()})
    expect(res.code).to.equal(0)
    const lines = res.stdout.trimEnd().split('\n')
    expect(lines[0]).to.match(/^ID\s+STATUS\s+CREATED\s+REPO\s+PR\s+ABOUT\s+SUMMARY$/)
    expect(lines).to.have.length(4)
    const statusCol = lines[0].indexOf('STATUS')
    for (const l of lines.slice(1)) expect(l.slice(statusCol)).to.match(/^[A-Za-z_]/)
    expect(res.stdout).to.match(/ago|just now/)
  })

  it('rejects --limit 0 and --limit -5 with exit 2', async () => {
    for (const v of ['0', '-5', 'ten']) {
      const res = await runCli(['list', '--limit', v], {env: api.env()})
      expect(res.code, v).to.equal(2)
    }
    expect(api.fake().requests).to.have.length(0)
  })
})

describe('logs', () => {
  const api = useFakeApi({runDurationMs: 1200})
  const logCalls = () => api.fake().requests.filter((r) => r.path.endsWith('/logs'))

  it('uses the alpha logs endpoint and prints time, type, tool and thought', async () => {
    const run = api.fake().runs.find((r: any) => r.status === 'COMPLETE')!
    const res = await runCli(['logs', String(run.id), '--limit', '5'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(logCalls()[0].path).to.equal(`/v1/alpha/organizations/${api.fake().orgId}/agent/run/${run.id}/logs`)
    const lines = res.stdout.trimEnd().split('\n')
    expect(lines.length).to.be.within(1, 5)
    expect(lines[0]).to.match(/^\d\d:\d\d:\d\d {2}\S+/)
  })

  it('pages past 100 entries, honours --skip and --reverse, and gives JSON', async () => {
    const run = api.fake().runs.find((r: any) => r.status === 'COMPLETE')!
    const all = parseJson<any[]>(await runCli(['logs', String(run.id), '--limit', '1000', '--json'], {env: api.env()}))
    expect(all.length).to.be.greaterThan(0)
    const skipped = parseJson<any[]>(await runCli(['logs', String(run.id), '--skip', '1', '--limit', '2', '--json'], {env: api.env()}))
    expect(skipped).to.deep.equal(all.slice(1, 3))
    await runCli(['logs', String(run.id), '--reverse', '--limit', '3', '--json'], {env: api.env()})
    expect(logCalls().at(-1)!.query).to.include({reverse: 'true'})
  })

  it('--follow prints new entries until the run is terminal', async () => {
    const created = parseJson(await runCli(['new', '--query', 'q', '--json'], {env: api.env()}))
    const res = await runCli(['logs', String(created.id), '--follow'], {env: api.env(), timeoutMs: 20_000})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stderr).to.contain(`Agent run ${created.id} is COMPLETE`)
    expect(res.stdout.trim().split('\n').length).to.be.greaterThan(0)
    expect(logCalls().length).to.be.greaterThan(1)
  })
})
