import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {parseJson, runCli} from '../helpers/cli.js'
import {interruptWhen} from '../helpers/interrupt.js'
import {useFakeApi} from '../helpers/fake.js'

// Inputs that would start a paid run nobody meant are refused before anything is sent; what is sent
// tells the agent everything the user gave.
describe('new: inputs', () => {
  const api = useFakeApi({runDurationMs: 400})
  const creates = () => api.fake().requests.filter((r) => r.method === 'POST' && /\/agent\/run$/.test(r.path))
  const writes = () => api.fake().requests.filter((r) => r.method === 'POST')

  // F-9
  it('--branch and --pr reach the prompt with --repo-id, with --repo, and with neither', async () => {
    const repo = api.fake().repos[0]
    for (const extra of [['--repo-id', String(repo.id)], ['--repo', repo.full_name], []]) {
      const a = await runCli(['new', ...extra, '--branch', 'feature-x', '-q', 'fixit', '--json'], {env: api.env()})
      expect(a.code, a.stderr).to.equal(0)
      const b = await runCli(['new', ...extra, '--pr', '12', '-q', 'fixit', '--json'], {env: api.env()})
      expect(b.code, b.stderr).to.equal(0)
    }
    const prompts = creates().map((r) => r.body.prompt as string)
    expect(prompts).to.have.length(6)
    for (const [i, prompt] of prompts.entries()) {
      expect(prompt, prompt).to.contain(i % 2 === 0 ? 'Branch: feature-x' : 'Pull request: #12')
      expect(prompt).to.match(/fixit$/)
    }
    // With --repo-id the repository is named too, in the prompt and in the metadata (F-39).
    expect(prompts[0]).to.contain(`Repository: ${repo.full_name}`)
    expect(creates()[0].body.metadata).to.include({repo: repo.full_name, repo_id: repo.id})
  })

  it('a repo alone, or nothing, leaves the prompt as it is', async () => {
    await runCli(['new', '--repo-id', String(api.fake().repos[0].id), '-q', 'just this'], {env: api.env()})
    await runCli(['new', '-q', 'just this'], {env: api.env()})
    expect(creates().map((r) => r.body.prompt)).to.deep.equal(['just this', 'just this'])
  })

  // F-10, F-11, F-45, F-46, F-5, F-78
  it('refuses, with exit 2 and nothing sent: empty values, unknown tasks, reserved metadata keys, over-long values', async () => {
    const big = (n: number) => 'm'.repeat(n)
    const cases: [string[], RegExp][] = [
      [['--repo', ''], /repository name is empty/],
      [['--repo', '  '], /repository name is empty/],
      [['--task', ''], /task is empty/],
      [['--task-label', ''], /task label is empty/],
      [['--model', ''], /model name is empty/],
      [['--branch', ''], /branch name is empty/],
      [['--task', 'fxi'], /Unknown task "fxi"[\s\S]*CREATE_PLAN, ANALYZE, IMPLEMENT, FIX, REVIEW, TEST, DOCUMENT[\s\S]*--task-label/],
      [['--task', 'FIX', '--task-label', 'MINE'], /cannot also be provided|not both/],
      [['-m', 'parent_run_id=7059'], /"parent_run_id" is reserved/],
      [['-m', 'source=me'], /"source" is reserved/],
      [['-m', 'repo=foo/bar'], /"repo" is reserved/],
      [['-m', 'client_request_id=x'], /"client_request_id" is reserved/],
      [['--model', big(101)], /model name is 101 characters; the limit is 100/],
      [['--branch', big(251)], /branch name is 251 characters; the limit is 250/],
      [['-m', `${big(101)}=x`], /metadata key is 101 characters; the limit is 100/],
      [['-m', `note=${big(1001)}`], /1001 characters; the limit is 1000/],
      [['--parent', '99999999999'], /at most 2147483647/],
    ]
    for (const [extra, message] of cases) {
      const res = await runCli(['new', '-q', 'fix the login bug', ...extra], {env: api.env()})
      expect(res.code, `${extra.join(' ').slice(0, 60)}: ${res.stderr}`).to.equal(2)
      expect(res.stderr, extra.join(' ').slice(0, 60)).to.match(message)
    }
    for (const env of [{CODEGEN_PARENT_RUN_ID: '-3'}, {CODEGEN_PARENT_RUN_ID: '1.5'}, {CODEGEN_PARENT_RUN_ID: '99999999999'}]) {
      const res = await runCli(['new', '-q', 'x'], {env: api.env(env)})
      expect(res.code, JSON.stringify(env)).to.equal(2)
      expect(res.stderr).to.contain('CODEGEN_PARENT_RUN_ID')
    }
    expect(api.fake().requests).to.have.length(0)
  })

  it('--task-label sends a label of your own; --task takes a template in any spelling', async () => {
    const a = await runCli(['new', '-q', 'x', '--task-label', 'triage bug'], {env: api.env()})
    expect(a.code, a.stderr).to.equal(0)
    const b = await runCli(['new', '-q', 'x', '--task', 'create plan'], {env: api.env()})
    expect(b.code, b.stderr).to.equal(0)
    const [label, template] = creates().map((r) => r.body)
    expect(label.prompt).to.match(/^Task: TRIAGE_BUG\n/)
    expect(label.metadata.task).to.equal('TRIAGE_BUG')
    expect(template.metadata.task).to.equal('CREATE_PLAN')
  })

  // F-45
  it('an unknown --parent (or CODEGEN_PARENT_RUN_ID) is refused with exit 4 before the child is created', async () => {
    for (const [args, env] of [
      [['--parent', '99999'], {}],
      [[], {CODEGEN_PARENT_RUN_ID: '99999'}],
    ] as const) {
      const res = await runCli(['new', '--repo-id', String(api.fake().repos[0].id), '-q', 'x', ...args], {env: api.env(env)})
      expect(res.code, res.stderr).to.equal(4)
      expect(res.stderr).to.contain('Parent agent run 99999 was not found').and.to.contain('nothing was created')
    }
    expect(writes()).to.have.length(0)
    expect(api.fake().requests.filter((r) => r.path.endsWith('/agent/run/99999'))).to.have.length(2)
  })

  it('an unknown --repo-id is refused with exit 4, nothing created', async () => {
    const res = await runCli(['new', '--repo-id', '999999', '-q', 'x'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(4)
    expect(res.stderr).to.contain('Repository id 999999 is not in organization')
    expect(res.stderr).to.contain('codegenapi repos')
    expect(writes()).to.have.length(0)
  })

  it('takes the prompt as its argument, as gh agent-task create does; twice over is refused, nothing sent', async () => {
    const res = await runCli(['new', 'Add a health check endpoint', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(creates().map((r) => r.body.prompt)).to.deep.equal(['Add a health check endpoint'])
    for (const twice of [
      ['new', 'one', '--query', 'two'],
      ['new', 'one', '--prompt-file', 'task.md'],
    ]) {
      const refused = await runCli(twice, {env: api.env()})
      expect(refused.code, twice.join(' ')).to.equal(2)
      expect(refused.stderr).to.contain('Give the prompt once')
    }
    expect(creates()).to.have.length(1)
  })

  it('tags every create with a fresh client request id', async () => {
    await runCli(['new', '-q', 'a'], {env: api.env()})
    await runCli(['new', '-q', 'b'], {env: api.env()})
    const ids = creates().map((r) => r.body.metadata.client_request_id as string)
    expect(ids[0]).to.match(/^[0-9a-f-]{36}$/)
    expect(ids[1]).to.match(/^[0-9a-f-]{36}$/)
    expect(ids[0]).not.to.equal(ids[1])
  })

  // F-77
  it('empty list filters are usage errors, nothing sent', async () => {
    for (const flag of ['--status', '--repo', '--source-type']) {
      const res = await runCli(['list', flag, '', '-l', '3'], {env: api.env()})
      expect(res.code, `${flag}: ${res.stderr}`).to.equal(2)
      expect(res.stderr).to.match(/needs a value|empty|Unknown source type/)
    }
    expect(api.fake().requests).to.have.length(0)
  })

  it('resume: an unknown --task is refused before anything is sent; --task-label is taken', async () => {
    const done = api.fake().runs.find((r) => r.status === 'COMPLETE')!
    const bad = await runCli(['resume', String(done.id), '-q', 'more', '--task', 'tset'], {env: api.env()})
    expect(bad.code).to.equal(2)
    expect(bad.stderr).to.contain('Unknown task').and.to.contain('--task-label')
    expect(api.fake().requests).to.have.length(0)
    const ok = await runCli(['resume', String(done.id), '-q', 'more', '--task-label', 'follow up', '--json'], {env: api.env()})
    expect(ok.code, ok.stderr).to.equal(0)
    const [post] = writes()
    expect(post.body.prompt).to.match(/^Task: FOLLOW_UP\n/)
  })
})

// F-8: Ctrl-C while the create is in flight or queued.
describe('new: Ctrl-C', () => {
  const api = useFakeApi({runDurationMs: 60_000})
  const creates = () => api.fake().requests.filter((r) => r.method === 'POST' && /\/agent\/run$/.test(r.path))

  it('during the POST: says so, waits for the answer, records the run, exits 130', async () => {
    api.fake().inject({method: 'POST', path: /\/agent\/run$/, kind: 'delay', delayMs: 1500})
    const res = await interruptWhen(['new', '-q', 'interrupted'], api.env(), () => creates().length > 0)
    expect(res.code, res.stderr).to.equal(130)
    expect(res.stderr).to.contain('Interrupted after the request was sent')
    const run = api.fake().runs[0]
    expect(run.metadata?.client_request_id).to.equal(creates()[0].body.metadata.client_request_id)
    expect(res.stdout).to.contain(`Created agent run ${run.id}`)
    const state = JSON.parse(fs.readFileSync(path.join(api.box().stateDir, 'runs.json'), 'utf8'))
    expect(JSON.stringify(state)).to.contain(`"id":${run.id}`)
  })

  it('twice during the POST: stops waiting, says the run may have been created and how to check, exits 130', async () => {
    api.fake().inject({method: 'POST', path: /\/agent\/run$/, kind: 'delay', delayMs: 5000})
    const res = await interruptWhen(['new', '-q', 'interrupted', '--json'], api.env(), () => creates().length > 0, 2)
    expect(res.code, res.stderr).to.equal(130)
    const {error} = parseJson(res)
    expect(error.code).to.equal('interrupted')
    expect(error.message).to.contain('may have been created')
    expect(error.hint).to.contain('codegenapi list --mine').and.to.contain(creates()[0].body.metadata.client_request_id)
  })

  it('before the POST (waiting on the parent check): nothing is sent, exit 130', async () => {
    const parent = api.fake().runs[2]
    api.fake().inject({method: 'GET', path: new RegExp(`/agent/run/${parent.id}$`), kind: 'delay', delayMs: 1500})
    const res = await interruptWhen(['new', '-q', 'x', '--parent', String(parent.id)], api.env(), () =>
      api.fake().requests.some((r) => r.path.endsWith(`/agent/run/${parent.id}`)),
    )
    expect(res.code, res.stderr).to.equal(130)
    expect(res.stderr).to.contain('nothing was sent')
    expect(creates()).to.have.length(0)
  })
})
