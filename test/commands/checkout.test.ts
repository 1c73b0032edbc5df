import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'
import {makeForge, type Forge} from '../git/fixture.js'

const REPO = 'acme/nav-api'

describe('checkout AGENT_RUN_ID', () => {
  const api = useFakeApi()
  let forge: Forge
  let prId = 900
  const runReads = () => api.fake().requests.filter((r) => /\/agent\/run\/\d+$/.test(r.path))

  /** A finished run with these PRs (number -> head branch) on REPO. */
  function runWith(prs: [number, string | null][]): number {
    return api.fake().addRun({
      status: 'COMPLETE',
      github_pull_requests: prs.map(([n, branch]) => ({
        id: prId++,
        title: `Change ${n}`,
        url: `https://github.com/${REPO}/pull/${n}`,
        created_at: new Date().toISOString(),
        head_branch_name: branch,
      })),
    }).id
  }
  const head = (f: Forge) => f.run(f.clone, 'rev-parse', 'HEAD')
  const branch = (f: Forge) => f.run(f.clone, 'rev-parse', '--abbrev-ref', 'HEAD')

  beforeEach(() => {
    forge = makeForge(api.box().home, REPO)
  })

  it("fetches the PR's head branch from the clone's remote for it, switches to it and tracks it", async () => {
    const sha = forge.pushBranch('codegen-bot/fix-7', {'a.txt': 'one\n2\nthree\n'})
    const id = runWith([[7, 'codegen-bot/fix-7']])
    const res = await runCli(['checkout', String(id)], {env: api.env(), cwd: forge.clone})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout).to.contain('Switched to new branch codegen-bot/fix-7').and.to.contain('pull request #7 of acme/nav-api')
    expect(branch(forge)).to.equal('codegen-bot/fix-7')
    expect(head(forge)).to.equal(sha)
    expect(forge.run(forge.clone, 'rev-parse', '--abbrev-ref', '@{upstream}')).to.equal('origin/codegen-bot/fix-7')
    expect(fs.readFileSync(path.join(forge.clone, 'a.txt'), 'utf8')).to.equal('one\n2\nthree\n')
  })

  it("without a remote for the PR's repository, fetches its https URL; --json says what was done", async () => {
    forge.run(forge.clone, 'remote', 'set-url', 'origin', forge.bare)
    const sha = forge.pushBranch('codegen-bot/fix-7', {'b.txt': 'new\n'})
    const id = runWith([[7, 'codegen-bot/fix-7']])
    const res = await runCli(['checkout', String(id), '--json'], {env: api.env(), cwd: forge.clone})
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson(res)).to.deep.include({
      run_id: id,
      branch: 'codegen-bot/fix-7',
      sha,
      action: 'created',
      fetched_from: `https://github.com/${REPO}.git`,
    })
    expect(head(forge)).to.equal(sha)
  })

  it('refuses a dirty work tree with exit 1 before any request, and changes nothing', async () => {
    forge.pushBranch('codegen-bot/fix-7', {'a.txt': 'theirs\n'})
    const id = runWith([[7, 'codegen-bot/fix-7']])
    fs.writeFileSync(path.join(forge.clone, 'a.txt'), 'mine\n')
    const before = head(forge)
    const res = await runCli(['checkout', String(id)], {env: api.env(), cwd: forge.clone})
    expect(res.code).to.equal(1)
    expect(res.stderr).to.contain('uncommitted changes (a.txt)').and.to.contain('nothing was changed').and.to.contain('stash')
    expect(branch(forge)).to.equal('main')
    expect(head(forge)).to.equal(before)
    expect(fs.readFileSync(path.join(forge.clone, 'a.txt'), 'utf8')).to.equal('mine\n')
    expect(forge.run(forge.clone, 'branch', '--list', 'codegen-bot/*')).to.equal('')
    expect(runReads()).to.deep.equal([])
  })

  it('with several PRs lists them and exits 2; --pr chooses; an unknown --pr exits 4', async () => {
    forge.pushBranch('codegen-bot/one', {'one.txt': '1\n'})
    const two = forge.pushBranch('codegen-bot/two', {'two.txt': '2\n'})
    const id = runWith([
      [7, 'codegen-bot/one'],
      [8, 'codegen-bot/two'],
    ])
    const res = await runCli(['checkout', String(id)], {env: api.env(), cwd: forge.clone})
    expect(res.code).to.equal(2)
    expect(res.stderr).to.contain('2 pull requests').and.to.contain('#7 acme/nav-api').and.to.contain('#8 acme/nav-api')
    expect(res.stderr).to.contain('--pr')
    expect(branch(forge)).to.equal('main')
    const chosen = await runCli(['checkout', String(id), '--pr', '8'], {env: api.env(), cwd: forge.clone})
    expect(chosen.code, chosen.stderr).to.equal(0)
    expect(branch(forge)).to.equal('codegen-bot/two')
    expect(head(forge)).to.equal(two)
    const unknown = await runCli(['checkout', String(id), '--pr', '99'], {env: api.env(), cwd: forge.clone})
    expect(unknown.code).to.equal(4)
    expect(unknown.stderr).to.contain('no pull request #99')
  })

  it('fast-forwards an existing local branch, and refuses one with commits of its own', async () => {
    const first = forge.pushBranch('codegen-bot/fix-7', {'c.txt': '1\n'})
    forge.run(forge.clone, 'fetch', '-q', 'origin')
    forge.run(forge.clone, 'branch', 'codegen-bot/fix-7', first)
    const second = forge.pushBranch('codegen-bot/fix-7', {'c.txt': '2\n'})
    const id = runWith([[7, 'codegen-bot/fix-7']])
    const res = await runCli(['checkout', String(id)], {env: api.env(), cwd: forge.clone})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout).to.contain('fast-forwarded')
    expect(head(forge)).to.equal(second)
    // A commit here the PR lacks: refused, and the user stays where they were.
    fs.writeFileSync(path.join(forge.clone, 'mine.txt'), 'local work\n')
    forge.run(forge.clone, 'add', 'mine.txt')
    forge.run(forge.clone, 'commit', '-q', '-m', 'local work')
    const mine = head(forge)
    forge.run(forge.clone, 'checkout', '-q', 'main')
    const refused = await runCli(['checkout', String(id)], {env: api.env(), cwd: forge.clone})
    expect(refused.code).to.equal(1)
    expect(refused.stderr).to.contain('has commits the pull request').and.to.contain('nothing was changed')
    expect(branch(forge)).to.equal('main')
    expect(forge.run(forge.clone, 'rev-parse', 'codegen-bot/fix-7')).to.equal(mine)
  })

  it("once the head branch is gone, uses GitHub's refs/pull/N/head", async () => {
    const sha = forge.pushBranch('codegen-bot/gone', {'d.txt': 'merged\n'})
    forge.run(forge.bare, 'update-ref', 'refs/pull/12/head', sha)
    forge.run(forge.bare, 'update-ref', '-d', 'refs/heads/codegen-bot/gone')
    const id = runWith([[12, 'codegen-bot/gone']])
    const res = await runCli(['checkout', String(id)], {env: api.env(), cwd: forge.clone})
    expect(res.code, res.stderr).to.equal(0)
    expect(branch(forge)).to.equal('codegen-bot/gone')
    expect(head(forge)).to.equal(sha)
  })

  it('a run with no PR exits 4; outside a clone exits 2 before any request', async () => {
    const none = runWith([])
    const res = await runCli(['checkout', String(none)], {env: api.env(), cwd: forge.clone})
    expect(res.code).to.equal(4)
    expect(res.stderr).to.contain('has no GitHub pull request')
    const id = runWith([[7, 'codegen-bot/fix-7']])
    const before = runReads().length
    const outside = await runCli(['checkout', String(id)], {env: api.env()})
    expect(outside.code).to.equal(2)
    expect(outside.stderr).to.contain('not a git work tree')
    expect(runReads().length).to.equal(before)
  })
})
