import {expect} from 'chai'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

describe('pr set-state', () => {
  const api = useFakeApi()
  const patches = () => api.fake().requests.filter((r) => r.method === 'PATCH')
  /** A run with two PRs on one of the org's repositories. */
  function seed() {
    const repo = api.fake().repos[5]
    const pr = (id: number, n: number) => ({
      id,
      title: `Change ${n}`,
      url: `https://github.com/${repo.full_name}/pull/${n}`,
      created_at: '2026-11-30T08:00:00Z',
      head_branch_name: `b${n}`,
    })
    const run = api.fake().addRun({github_pull_requests: [pr(92_001, 41), pr(92_002, 42)]})
    return {repo, run}
  }

  it('closes a PR by its id alone (the simple endpoint)', async () => {
    seed()
    const res = await runCli(['pr', 'set-state', '92001', 'closed', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson(res)).to.include({success: true, state: 'closed', number: 41, pr_id: 92_001, repo_id: null})
    expect(patches().map((r) => [r.path, r.body])).to.deep.equal([[`/v1/organizations/${api.fake().orgId}/prs/92001`, {state: 'closed'}]])
  })

  it('"ready" is ready_for_review; --run takes the repository from the run and uses the repo endpoint', async () => {
    const {repo, run} = seed()
    const res = await runCli(['pr', 'set-state', '92002', 'ready', '--run', String(run.id)], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout).to.contain('Pull request #42 is open')
    expect(patches().map((r) => [r.path, r.body])).to.deep.equal([
      [`/v1/organizations/${api.fake().orgId}/repos/${repo.id}/prs/92002`, {state: 'ready_for_review'}],
    ])
  })

  it("--run with a PR that is not the run's: exit 4, names its PRs, nothing changed", async () => {
    const {run} = seed()
    const res = await runCli(['pr', 'set-state', '5', 'open', '--run', String(run.id)], {env: api.env()})
    expect(res.code).to.equal(4)
    expect(res.stderr).to.contain(`Pull request 5 is not one of agent run ${run.id}'s`).and.to.contain('92001')
    expect(patches()).to.have.length(0)
  })

  it('a change the API refuses (success: false) is exit 1 with its reason', async () => {
    seed()
    await runCli(['pr', 'set-state', '92001', 'closed'], {env: api.env()})
    const res = await runCli(['pr', 'set-state', '92001', 'draft', '--json'], {env: api.env()})
    expect(res.code).to.equal(1)
    expect(parseJson(res).error.message).to.match(/Pull request 92001 was not changed: .*closed/)
  })

  it('refuses an unknown state or id before anything is sent (exit 2)', async () => {
    for (const args of [
      ['pr', 'set-state', '92001', 'merged'],
      ['pr', 'set-state', 'x', 'open'],
      ['pr', 'set-state', '92001'],
    ]) {
      const res = await runCli(args, {env: api.env()})
      expect(res.code, args.join(' ')).to.equal(2)
    }
    expect(api.fake().requests).to.have.length(0)
  })

  it('an unknown PR is exit 4', async () => {
    const res = await runCli(['pr', 'set-state', '123', 'open'], {env: api.env()})
    expect(res.code).to.equal(4)
  })
})
