import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'
import {git} from '../git/fixture.js'

describe('repository from the working directory (new, list)', () => {
  const api = useFakeApi()
  const creates = () => api.fake().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/agent/run'))

  /** A git work tree under the sandbox with these remotes. */
  function clone(remotes: Record<string, string>): string {
    const dir = path.join(api.box().home, 'work')
    fs.mkdirSync(dir)
    git(dir, api.box().home, 'init', '-q')
    for (const [name, url] of Object.entries(remotes)) git(dir, api.box().home, 'remote', 'add', name, url)
    return dir
  }

  async function repoIdOf(fullName: string): Promise<number> {
    const res = await runCli(['repos', '--search', fullName, '--json'], {env: api.env()})
    return parseJson<any[]>(res).find((r) => r.full_name === fullName).id
  }

  for (const url of [
    'git@github.com:Zeeeepa/codegen.py.git',
    'https://github.com/Zeeeepa/codegen.py',
    'ssh://git@github.com/Zeeeepa/codegen.py.git',
  ]) {
    it(`new uses origin's repository (${url}), says so on stderr, and --json stays one document`, async () => {
      const cwd = clone({origin: url, upstream: 'git@github.com:acme/nav-api.git'})
      const res = await runCli(['new', '--query', 'Fix it', '--json'], {env: api.env(), cwd})
      expect(res.code, res.stderr).to.equal(0)
      expect(parseJson(res).id).to.be.a('number')
      expect(res.stderr).to.contain('Using repository Zeeeepa/codegen.py from the git remote origin')
      expect(res.stdout).not.to.contain('Using repository')
      const [post] = creates()
      expect(post.body.repo_id).to.equal(await repoIdOf('Zeeeepa/codegen.py'))
      expect(post.body.metadata).to.include({repo: 'Zeeeepa/codegen.py'})
    })
  }

  it('the only remote counts when there is no origin; several without origin count for nothing', async () => {
    const cwd = clone({fork: 'https://github.com/acme/nav-api.git'})
    const res = await runCli(['new', '--query', 'Fix it'], {env: api.env(), cwd})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stderr).to.contain('Using repository acme/nav-api from the git remote fork')
    expect(creates()[0].body.metadata).to.include({repo: 'acme/nav-api'})
    git(cwd, api.box().home, 'remote', 'add', 'other', 'https://github.com/Zeeeepa/codegen.py.git')
    const two = await runCli(['new', '--query', 'Fix it'], {env: api.env(), cwd})
    expect(two.code, two.stderr).to.equal(0)
    expect(two.stderr).not.to.contain('Using repository')
    expect(creates()[1].body.repo_id).to.equal(null)
  })

  it('--repo and --repo-id win, silently', async () => {
    const cwd = clone({origin: 'git@github.com:Zeeeepa/codegen.py.git'})
    const res = await runCli(['new', '--query', 'Fix it', '--repo', 'acme/nav-api'], {env: api.env(), cwd})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stderr).not.to.contain('Using repository')
    expect(creates()[0].body.metadata).to.include({repo: 'acme/nav-api'})
    const id = await repoIdOf('acme/nav-api')
    const byId = await runCli(['new', '--query', 'Fix it', '--repo-id', String(id)], {env: api.env(), cwd})
    expect(byId.code, byId.stderr).to.equal(0)
    expect(byId.stderr).not.to.contain('Using repository')
    expect(creates()[1].body.repo_id).to.equal(id)
  })

  it('outside a clone, with a non-GitHub remote, or with CODEGENAPI_NO_GIT_REPO=1: no repository, no note', async () => {
    const outside = await runCli(['new', '--query', 'a'], {env: api.env()})
    const gitlab = await runCli(['new', '--query', 'b'], {env: api.env(), cwd: clone({origin: 'git@gitlab.com:Zeeeepa/codegen.py.git'})})
    const off = await runCli(['new', '--query', 'c'], {
      env: api.env({CODEGENAPI_NO_GIT_REPO: '1'}),
      cwd: path.join(api.box().home, 'work'),
    })
    git(
      path.join(api.box().home, 'work'),
      api.box().home,
      'remote',
      'set-url',
      'origin',
      'https://github.com.evil.example/Zeeeepa/codegen.py',
    )
    const lookalike = await runCli(['new', '--query', 'd'], {env: api.env(), cwd: path.join(api.box().home, 'work')})
    for (const res of [outside, gitlab, off, lookalike]) {
      expect(res.code, res.stderr).to.equal(0)
      expect(res.stderr).not.to.contain('Using repository')
    }
    expect(creates().map((c) => c.body.repo_id)).to.deep.equal([null, null, null, null])
  })

  it("list filters by the clone's repository, says so on stderr, and --repo wins", async () => {
    const repo = api.fake().runs.find((r: any) => typeof r.metadata?.repo === 'string')!.metadata!.repo as string
    const cwd = clone({origin: `git@github.com:${repo}.git`})
    const res = await runCli(['list', '--limit', '1000', '--json'], {env: api.env(), cwd})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stderr).to.contain(`Using repository ${repo} from the git remote origin`)
    const runs = parseJson<any[]>(res)
    expect(runs.length).to.be.greaterThan(0)
    const onRepo = (r: any) =>
      r.metadata?.repo === repo || (r.github_pull_requests ?? []).some((p: any) => (p.url ?? '').includes(`github.com/${repo}/pull/`))
    expect(runs.every(onRepo)).to.equal(true)
    const all = await runCli(['list', '--limit', '1000', '--json'], {env: api.env()})
    expect(parseJson<any[]>(all).length).to.be.greaterThan(runs.length)
    const other = await runCli(['list', '--repo', 'acme/nav-api', '--limit', '1000', '--json'], {env: api.env(), cwd})
    expect(other.code, other.stderr).to.equal(0)
    expect(other.stderr).not.to.contain('Using repository')
    expect(parseJson<any[]>(other).some(onRepo)).to.equal(false)
  })

  it('a clone of a repository the organization lacks: list lists every run, new refuses and sends nothing', async () => {
    const cwd = clone({origin: 'https://github.com/torvalds/linux.git'})
    const res = await runCli(['list', '--limit', '5', '--json'], {env: api.env(), cwd})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stderr).to.contain('Using repository torvalds/linux from the git remote origin')
    expect(res.stderr).to.contain('torvalds/linux is not a repository of organization').and.to.contain('every repository')
    expect(parseJson<any[]>(res)).to.have.length(5)
    const created = await runCli(['new', '--query', 'Fix it'], {env: api.env(), cwd})
    expect(created.code).to.equal(4)
    expect(created.stderr).to.contain('Using repository torvalds/linux').and.to.contain('Repository torvalds/linux is not in organization')
    expect(creates()).to.deep.equal([])
  })
})
