import {expect} from 'chai'
import {parseJson, runCli, runOnTty} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

const pr = (id: number, n: number) => ({
  id,
  title: `Fix the login bug #${n}`,
  url: `https://github.com/acme/robot-core/pull/${n}`,
  created_at: '2026-11-30T08:00:00Z',
  head_branch_name: `codegen-bot/fix-${n}`,
})

describe('stop, remove-from-pr, unban', () => {
  const api = useFakeApi()
  const posts = (action: string) => api.fake().requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/agent/run/${action}`))
  /** Two live runs on one PR, and one on another. */
  function seed() {
    const shared = pr(91_001, 501)
    const a = api.fake().addRun({github_pull_requests: [shared]}, {live: true})
    const b = api.fake().addRun({github_pull_requests: [shared]}, {live: true})
    const other = api.fake().addRun({github_pull_requests: [pr(91_002, 502)]}, {live: true})
    return {a, b, other}
  }

  it('stop without --yes off a terminal: exit 2, says what it would do, sends nothing', async () => {
    const {a} = seed()
    const res = await runCli(['stop', String(a.id)], {env: api.env()})
    expect(res.code).to.equal(2)
    expect(res.stderr).to.contain(
      `This stops every agent on the pull request of agent run ${a.id} and blocks future check-suite runs on it`,
    )
    expect(res.stderr).to.contain('--yes')
    expect(api.fake().requests).to.have.length(0)
    const json = await runCli(['stop', String(a.id), '--json'], {env: api.env()})
    expect(json.code).to.equal(2)
    expect(parseJson(json).error).to.include({code: 'usage', exitCode: 2})
    expect(api.fake().requests).to.have.length(0)
  })

  it('stop --yes bans the PR: every agent on it stops, others go on', async () => {
    const {a, b, other} = seed()
    const res = await runCli(['stop', String(a.id), '--yes', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson(res)).to.include({agent_run_id: a.id, action: 'ban'})
    expect(parseJson(res).message).to.match(/Banned all checks/)
    expect(posts('ban').map((r) => r.body)).to.deep.equal([{agent_run_id: a.id}])
    expect(api.fake().getRun(a.id)!.status).to.equal('STOPPED')
    expect(api.fake().getRun(b.id)!.status).to.equal('STOPPED')
    expect(api.fake().getRun(other.id)!.status).to.equal('ACTIVE')
    expect([...api.fake().rest.bannedPrs]).to.deep.equal([91_001])
  })

  it('stop on a terminal names the PR and asks; "n" sends nothing (exit 2), "y" stops', async () => {
    const {a} = seed()
    const no = await runOnTty(['stop', String(a.id)], {env: api.env(), steps: [['Continue? [y/N]', 'n\r']]})
    expect(no.unanswered).to.deep.equal([])
    expect(no.output).to.contain('blocks future check-suite runs on it').and.to.contain('https://github.com/acme/robot-core/pull/501')
    expect(no.code).to.equal(2)
    expect(posts('ban')).to.have.length(0)

    const yes = await runOnTty(['stop', String(a.id)], {env: api.env(), steps: [['Continue? [y/N]', 'y\r']]})
    expect(yes.code, yes.output).to.equal(0)
    expect(yes.output).to.contain(`Stopped every agent on the pull request of agent run ${a.id}`)
    expect(posts('ban')).to.have.length(1)
  })

  it('Ctrl-C or Ctrl-D at the question exits 130 and sends nothing', async () => {
    const {a} = seed()
    for (const key of ['\u0003', '\u0004']) {
      const res = await runOnTty(['stop', String(a.id)], {env: api.env(), steps: [['Continue? [y/N]', key]]})
      expect(res.code, JSON.stringify(key)).to.equal(130)
    }
    expect(posts('ban')).to.have.length(0)
  })

  it('--json FIELDS picks fields of the result', async () => {
    const {a} = seed()
    const res = await runCli(['stop', String(a.id), '--yes', '--json', 'agent_run_id,action'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson(res)).to.deep.equal({agent_run_id: a.id, action: 'ban'})
    const bad = await runCli(['stop', String(a.id), '--yes', '--json', 'agent_run_id,nope'], {env: api.env()})
    expect(bad.code).to.equal(2)
    expect(posts('ban')).to.have.length(1)
  })

  it('an unknown run is exit 4', async () => {
    const res = await runCli(['stop', '999999', '--yes'], {env: api.env()})
    expect(res.code).to.equal(4)
    expect(res.stderr).to.contain('Agent run not found')
  })

  it('remove-from-pr needs the same confirmation and does the same', async () => {
    const {a, b} = seed()
    const refused = await runCli(['remove-from-pr', String(a.id)], {env: api.env()})
    expect(refused.code).to.equal(2)
    expect(refused.stderr).to.contain('removes Codegen from the pull request')
    expect(api.fake().requests).to.have.length(0)
    const res = await runCli(['remove-from-pr', String(a.id), '-y'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout).to.contain(`Removed Codegen from the pull request of agent run ${a.id}`)
    expect(posts('remove-from-pr')).to.have.length(1)
    expect(api.fake().getRun(b.id)!.status).to.equal('STOPPED')
  })

  it('unban lifts the block without asking', async () => {
    const {a} = seed()
    await runCli(['stop', String(a.id), '--yes'], {env: api.env()})
    const res = await runCli(['unban', String(a.id)], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout).to.contain('check-suite runs on it are processed again')
    expect(posts('unban').map((r) => r.body)).to.deep.equal([{agent_run_id: a.id}])
    expect([...api.fake().rest.bannedPrs]).to.deep.equal([])
  })

  it('refuses a bad id before anything is sent', async () => {
    const res = await runCli(['stop', 'abc', '--yes'], {env: api.env()})
    expect(res.code).to.equal(2)
    expect(api.fake().requests).to.have.length(0)
  })
})
