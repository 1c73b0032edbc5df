import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {parseJson, runCli, runOnTty} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'
import {makeForge, type Forge} from '../git/fixture.js'

const REPO = 'acme/nav-api'

describe('diff AGENT_RUN_ID', () => {
  const api = useFakeApi()
  let forge: Forge
  let id: number
  let headSha: string

  beforeEach(() => {
    forge = makeForge(api.box().home, REPO)
    headSha = forge.pushBranch('codegen-bot/fix-7', {'a.txt': 'one\nTWO\nthree\n', 'src/new.ts': 'export const x = 1\n'})
    // main moves on after the PR branched off: that change is not the PR's and is not shown.
    forge.pushBranch('main', {'README.md': '# demo, later\n'})
    id = api.fake().addRun({
      status: 'COMPLETE',
      github_pull_requests: [
        {
          id: 901,
          title: 'Shout two',
          url: `https://github.com/${REPO}/pull/7`,
          created_at: new Date().toISOString(),
          head_branch_name: 'codegen-bot/fix-7',
        },
      ],
    }).id
  })

  it("prints the PR's patch against where it left its base, changing nothing in the clone", async () => {
    const before = forge.run(forge.clone, 'rev-parse', 'HEAD')
    const res = await runCli(['diff', String(id)], {env: api.env(), cwd: forge.clone})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout).to.contain('diff --git a/a.txt b/a.txt').and.to.contain('-two\n+TWO\n')
    expect(res.stdout).to.contain('+++ b/src/new.ts').and.to.contain('+export const x = 1')
    expect(res.stdout).not.to.contain('later')
    expect(res.stdout).not.to.contain('\u001b[')
    expect(forge.run(forge.clone, 'rev-parse', '--abbrev-ref', 'HEAD')).to.equal('main')
    expect(forge.run(forge.clone, 'rev-parse', 'HEAD')).to.equal(before)
    expect(forge.run(forge.clone, 'branch', '--list', 'codegen-bot/*')).to.equal('')
    expect(fs.readFileSync(path.join(forge.clone, 'a.txt'), 'utf8')).to.equal('one\ntwo\nthree\n')
  })

  it('--stat and --name-only', async () => {
    const stat = await runCli(['diff', String(id), '--stat'], {env: api.env(), cwd: forge.clone})
    expect(stat.code, stat.stderr).to.equal(0)
    expect(stat.stdout).to.match(/a\.txt\s+\|\s+2 \+-/)
    expect(stat.stdout).to.match(/src\/new\.ts\s+\|\s+1 \+/)
    expect(stat.stdout).to.contain('2 files changed')
    const names = await runCli(['diff', String(id), '--name-only'], {env: api.env(), cwd: forge.clone})
    expect(names.code, names.stderr).to.equal(0)
    expect(names.stdout).to.equal('a.txt\nsrc/new.ts\n')
    const both = await runCli(['diff', String(id), '--stat', '--name-only'], {env: api.env(), cwd: forge.clone})
    expect(both.code).to.equal(2)
  })

  it('--json: the files with their line counts, the base and the head', async () => {
    const res = await runCli(['diff', String(id), '--json'], {env: api.env(), cwd: forge.clone})
    expect(res.code, res.stderr).to.equal(0)
    const json = parseJson(res)
    expect(json.files).to.deep.equal([
      {path: 'a.txt', additions: 1, deletions: 1},
      {path: 'src/new.ts', additions: 1, deletions: 0},
    ])
    expect(json.base.branch).to.equal('main')
    expect(json.base.sha).to.equal(forge.run(forge.bare, 'rev-parse', 'main'))
    expect(json.head_sha).to.equal(headSha)
    expect(json.pr).to.include({number: 7, repo: REPO, head_branch: 'codegen-bot/fix-7'})
  })

  it('--base compares with another branch; an unknown one exits 4', async () => {
    forge.pushBranch('release', {'a.txt': 'one\nTWO\nthree\n'})
    const res = await runCli(['diff', String(id), '--base', 'release', '--name-only'], {env: api.env(), cwd: forge.clone})
    expect(res.code, res.stderr).to.equal(0)
    // Where the PR left release is main's first commit: both files still differ from it.
    expect(res.stdout).to.equal('a.txt\nsrc/new.ts\n')
    const json = parseJson(await runCli(['diff', String(id), '--base', 'release', '--json'], {env: api.env(), cwd: forge.clone}))
    expect(json.base).to.deep.equal({branch: 'release', sha: forge.run(forge.bare, 'rev-parse', 'release')})
    const unknown = await runCli(['diff', String(id), '--base', 'nope'], {env: api.env(), cwd: forge.clone})
    expect(unknown.code).to.equal(4)
    expect(unknown.stderr).to.contain('Branch nope was not found')
  })

  it('colours the patch on a terminal', async () => {
    // The pty helper runs in HOME: HOME is the clone for this one (config and state have their XDG dirs),
    // with the sandbox's git config (the forge's insteadOf) beside it.
    fs.copyFileSync(path.join(api.box().home, '.gitconfig'), path.join(forge.clone, '.gitconfig'))
    const res = await runOnTty(['diff', String(id)], {
      env: api.env({NO_COLOR: undefined, HOME: forge.clone}),
      steps: [],
    })
    expect(res.code, res.output).to.equal(0)
    expect(res.output).to.contain('\u001b[31m-two').and.to.contain('\u001b[32mTWO')
  })
})
