import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {parseJson, runCli} from '../helpers/cli.js'
import {interruptWhen} from '../helpers/interrupt.js'
import {useFakeApi} from '../helpers/fake.js'

describe('setup-commands generate', () => {
  const api = useFakeApi({runDurationMs: 400})
  const posts = () => api.fake().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/setup-commands/generate'))

  it('starts a setup-command agent on the repository and returns the run', async () => {
    const res = await runCli(['setup-commands', 'generate', '--repo', 'zeeeepa/codegen.py', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    const run = parseJson(res)
    const id = api.fake().repos.find((r) => r.full_name === 'Zeeeepa/codegen.py')!.id
    expect(posts().map((r) => r.body)).to.deep.equal([{repo_id: id}])
    expect(run).to.include({status: 'ACTIVE', source_type: 'SETUP_COMMANDS'})
    expect(api.fake().getRun(run.id)!.source_type).to.equal('SETUP_COMMANDS')
    expect(run.web_url).to.equal(api.fake().getRun(run.id)!.web_url)
    // Recorded in the local run state like a run from `new`: `watch` with no ids follows it.
    const state = JSON.parse(fs.readFileSync(path.join(api.box().stateDir, 'runs.json'), 'utf8')).runs
    expect(state[run.id]).to.include({id: run.id, watched: true})
  })

  it('sends the extra instructions, and --wait follows the run to the end', async () => {
    const file = path.join(api.box().home, 'setup.md')
    fs.writeFileSync(file, 'Use pnpm')
    const res = await runCli(['setup-commands', 'generate', '--repo-id', String(api.fake().repos[1].id), '--prompt-file', file, '--wait'], {
      env: api.env(),
    })
    expect(res.code, res.stderr).to.equal(0)
    expect(posts()[0].body).to.deep.equal({repo_id: api.fake().repos[1].id, prompt: 'Use pnpm'})
    expect(res.stdout).to.match(/Agent run \d+\s+COMPLETE/)
  })

  it('inside a clone of a GitHub repository, uses it and says so, as new does', async () => {
    const clone = path.join(api.box().home, 'clone')
    fs.mkdirSync(clone)
    execFileSync('git', ['init', '-q'], {cwd: clone})
    execFileSync('git', ['remote', 'add', 'origin', 'git@github.com:Zeeeepa/codegen.py.git'], {cwd: clone})
    const res = await runCli(['setup-commands', 'generate', '--json'], {env: api.env(), cwd: clone})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stderr).to.contain('Using repository Zeeeepa/codegen.py from the git remote origin')
    const id = api.fake().repos.find((r) => r.full_name === 'Zeeeepa/codegen.py')!.id
    expect(posts().map((r) => r.body)).to.deep.equal([{repo_id: id}])
  })

  it('refuses a missing repository, both forms, or an empty prompt before anything is sent (exit 2)', async () => {
    for (const args of [[], ['--repo', 'a/b', '--repo-id', '3'], ['--repo', 'not a repo'], ['--repo-id', '3', '--query', '  ']]) {
      const res = await runCli(['setup-commands', 'generate', ...args], {env: api.env()})
      expect(res.code, args.join(' ')).to.equal(2)
    }
    expect(api.fake().requests).to.have.length(0)
  })

  it('an unknown repository id is exit 4 before the paid request is sent', async () => {
    const before = api.fake().runs.length
    const res = await runCli(['setup-commands', 'generate', '--repo-id', '1'], {env: api.env()})
    expect(res.code).to.equal(4)
    expect(res.stderr).to.contain('Repository id 1 is not in organization')
    expect(posts()).to.have.length(0)
    expect(api.fake().runs).to.have.length(before)
  })

  it('a connection lost after sending: never retried, the outcome reported as unknown (exit 1)', async () => {
    api.fake().inject({method: 'POST', path: /setup-commands\/generate$/, kind: 'reset-after'})
    const res = await runCli(['setup-commands', 'generate', '--repo-id', String(api.fake().repos[0].id), '--json'], {env: api.env()})
    expect(res.code).to.equal(1)
    const {error} = parseJson(res)
    expect(error.code).to.equal('maybe_created')
    expect(error.message).to.contain('may have been created')
    expect(error.hint).to.contain('--source-type SETUP_COMMANDS')
    expect(posts()).to.have.length(1)
  })

  it('a 429 (the server did not act) is waited out and sent again: one run', async () => {
    api.fake().inject({method: 'POST', path: /setup-commands\/generate$/, status: 429, headers: {'retry-after': '0'}})
    const res = await runCli(['setup-commands', 'generate', '--repo-id', String(api.fake().repos[0].id), '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(posts().map((r) => r.status)).to.deep.equal([429, 200])
  })

  it('Ctrl-C during the POST: waits for the answer, records the run, exits 130 (as new)', async () => {
    api.fake().inject({method: 'POST', path: /setup-commands\/generate$/, kind: 'delay', delayMs: 1500})
    const args = ['setup-commands', 'generate', '--repo-id', String(api.fake().repos[0].id)]
    // Interrupted once the fake has the request (its answer is delayed).
    const res = await interruptWhen(args, api.env(), () => posts().length > 0)
    expect(res.code, res.stderr).to.equal(130)
    expect(res.stderr).to.contain('Interrupted after the request was sent')
    const run = api.fake().runs[0]
    expect(run.source_type).to.equal('SETUP_COMMANDS')
    expect(res.stdout).to.contain(`Created agent run ${run.id}`)
    const state = JSON.parse(fs.readFileSync(path.join(api.box().stateDir, 'runs.json'), 'utf8')).runs
    expect(state[run.id]).to.include({id: run.id, watched: true})
  })
})
