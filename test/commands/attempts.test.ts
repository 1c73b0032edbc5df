import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {parseJson, runCli, runOnTty} from '../helpers/cli.js'
import {interruptWhen} from '../helpers/interrupt.js'
import {useFakeApi} from '../helpers/fake.js'

// `new --attempts N`, `list --group`, `watch --group`, against the fake's request journal: exactly N
// creates, each tagged with the group; nothing sent for bad input or without a confirmation; the first
// attempt not created ends the group and is never sent again.

const CREATE = /\/agent\/run$/

describe('new --attempts', () => {
  const api = useFakeApi({runDurationMs: 400})
  const creates = () => api.fake().requests.filter((r) => r.method === 'POST' && CREATE.test(r.path))

  it('starts N runs of the same task as a group: N creates, one group id, distinct client request ids', async () => {
    const parent = api.fake().runs[3].id
    const args = ['--repo', 'Zeeeepa/codegen.py', '--query', 'Fix the flaky test', '--parent', String(parent)]
    const res = await runCli(['new', ...args, '--attempts', '3', '--yes', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    const posts = creates()
    expect(posts).to.have.length(3)
    const metadata = posts.map((p) => p.body.metadata)
    const group = metadata[0].attempt_group
    expect(group).to.match(/^g-[0-9a-f]{8}$/)
    expect(metadata.map((m) => [m.attempt_group, m.attempt, m.attempts])).to.deep.equal([
      [group, 1, 3],
      [group, 2, 3],
      [group, 3, 3],
    ])
    expect(new Set(metadata.map((m) => m.client_request_id)).size).to.equal(3)
    expect(new Set(posts.map((p) => p.body.prompt)).size).to.equal(1)
    // Checked once, before the first create: one parent check, not one per attempt.
    const parentChecks = api.fake().requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/agent/run/${parent}`))
    expect(parentChecks).to.have.length(1)
    expect(api.fake().requests.indexOf(parentChecks[0])).to.be.lessThan(api.fake().requests.indexOf(posts[0]))
    expect(metadata.every((m) => m.parent_run_id === parent)).to.equal(true)
    const out = parseJson(res)
    expect(out.map((a: any) => [a.attempt, a.group_id, a.outcome])).to.deep.equal([
      [1, group, 'created'],
      [2, group, 'created'],
      [3, group, 'created'],
    ])
    expect(out.map((a: any) => a.id)).to.deep.equal(
      api
        .fake()
        .runs.slice(0, 3)
        .map((r) => r.id)
        .reverse(),
    )
    // The local state knows the group of each run.
    const state = JSON.parse(fs.readFileSync(path.join(api.box().stateDir, 'runs.json'), 'utf8'))
    const records = out.map((a: any) => state.runs[String(a.id)])
    expect(records.map((r: any) => [r.group_id, r.attempt])).to.deep.equal([
      [group, 1],
      [group, 2],
      [group, 3],
    ])
  })

  it('says what each attempt became, for a person', async () => {
    const res = await runCli(['new', '--query', 'q', '--attempts', '2', '--yes'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout)
      .to.match(/Attempt 1\/2: created agent run \d+/)
      .and.to.match(/Attempt 2\/2: created agent run \d+/)
    expect(res.stdout).to.match(/list --group g-[0-9a-f]{8}/)
    expect(res.stderr).to.contain('2 paid agent runs')
  })

  it('without a terminal and without --yes: exit 2, states the cost, sends nothing', async () => {
    const res = await runCli(['new', '--query', 'q', '--attempts', '3'], {env: api.env()})
    expect(res.code).to.equal(2)
    expect(res.stderr).to.contain('3 paid agent runs').and.to.contain('--yes')
    expect(api.fake().requests).to.have.length(0)
    const json = await runCli(['new', '--query', 'q', '--attempts', '3', '--json'], {env: api.env()})
    expect(parseJson(json).error).to.include({code: 'usage', exitCode: 2})
    expect(api.fake().requests).to.have.length(0)
  })

  it('bad input creates nothing: an unknown repository, a bad parent, a count out of range', async () => {
    const repo = await runCli(['new', '--repo', 'Zeeeepa/codegen.pi', '-q', 'x', '--attempts', '2', '--yes'], {env: api.env()})
    expect(repo.code).to.equal(4)
    const parent = await runCli(['new', '--parent', '2000000000', '-q', 'x', '--attempts', '2', '--yes'], {env: api.env()})
    expect(parent.code).to.equal(4)
    for (const n of ['1', '5', 'two']) {
      const res = await runCli(['new', '-q', 'x', '--attempts', n, '--yes'], {env: api.env()})
      expect(res.code, n).to.equal(2)
      expect(res.stderr).to.contain('--attempts must be 2 to 4')
    }
    const yes = await runCli(['new', '-q', 'x', '--yes'], {env: api.env()})
    expect(yes.code).to.equal(2)
    expect(creates()).to.have.length(0)
  })

  it('a failing second create: one run created and reported, the rest not sent, nothing retried', async () => {
    // The first create goes through (a fault that only passes it on), the second is refused.
    api.fake().inject({method: 'POST', path: CREATE, kind: 'delay', delayMs: 0})
    api.fake().inject({method: 'POST', path: CREATE, status: 402, body: {message: 'Out of credits', status_code: 402}})
    const res = await runCli(['new', '-q', 'x', '--attempts', '3', '--yes', '--json'], {env: api.env()})
    expect(creates().map((r) => r.status)).to.deep.equal([200, 402])
    const out = parseJson(res)
    expect(out.map((a: any) => a.outcome)).to.deep.equal(['created', 'failed', 'not_sent'])
    expect(out[0].id).to.equal(api.fake().runs[0].id)
    expect(out[1].error.message).to.contain('Out of credits')
    // The exit code is the failed attempt's (a 402 is the API's quota answer: exit 5, as for a single run).
    expect(res.code).to.equal(out[1].error.exitCode).and.to.equal(5)
    expect(res.stderr)
      .to.match(/1 of 3 agent runs created/)
      .and.to.contain('No attempt was sent twice')
  })

  it('an unknown outcome on the second create: reported as "may have been created", never sent again', async () => {
    api.fake().inject({method: 'POST', path: CREATE, kind: 'delay', delayMs: 0})
    api.fake().inject({method: 'POST', path: CREATE, kind: 'reset-before'})
    const res = await runCli(['new', '-q', 'x', '--attempts', '3', '--yes'], {env: api.env()})
    expect(res.code).to.equal(1)
    expect(creates()).to.have.length(2)
    expect(res.stdout).to.match(/Attempt 1\/3: created agent run \d+/)
    expect(res.stderr)
      .to.contain('Attempt 2/3: may have been created')
      .and.to.contain(creates()[1].body.metadata.client_request_id)
      .and.to.contain('Attempt 3/3: not sent')
  })

  it('--wait follows every attempt to the end and shows them side by side', async () => {
    const res = await runCli(['new', '-q', 'x', '--attempts', '2', '--yes', '--wait'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout).to.match(/attempt\s+run\s+status\s+pr\s+summary/i)
    expect(res.stdout.match(/COMPLETE/g)).to.have.length(2)
    const json = await runCli(['new', '-q', 'x', '--attempts', '2', '--yes', '--wait', '--json', 'attempt,status'], {env: api.env()})
    expect(parseJson(json)).to.deep.equal([
      {attempt: 1, status: 'COMPLETE'},
      {attempt: 2, status: 'COMPLETE'},
    ])
  })
})

describe('list --group and watch --group', () => {
  const api = useFakeApi({runDurationMs: 400})

  async function startGroup(n: number): Promise<{group: string; ids: number[]}> {
    const res = await runCli(['new', '-q', 'compare me', '--attempts', String(n), '--yes', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    const out = parseJson(res)
    return {group: out[0].group_id, ids: out.map((a: any) => a.id)}
  }

  it('list --group shows the attempts side by side, in attempt order, and --json FIELDS works', async () => {
    const {group, ids} = await startGroup(3)
    // Another run after the group: not part of it.
    await runCli(['new', '-q', 'other', '--json'], {env: api.env()})
    const res = await runCli(['list', '--group', group], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    const lines = res.stdout.trim().split('\n')
    expect(lines[0]).to.match(/^attempt\s+run\s+status\s+pr\s+summary/i)
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2))).to.deep.equal(ids.map((id, i) => [String(i + 1), String(id)]))
    const json = await runCli(['list', '--group', group, '--json', 'attempt,id,group_id'], {env: api.env()})
    expect(parseJson(json)).to.deep.equal(ids.map((id, i) => ({attempt: i + 1, id, group_id: group})))
  })

  it('list --group: an unknown group is exit 4, a malformed id exit 2, and it takes no other filter', async () => {
    await startGroup(2)
    const unknown = await runCli(['list', '--group', 'g-00000000'], {env: api.env()})
    expect(unknown.code).to.equal(4)
    expect(unknown.stderr).to.contain('No agent runs of group g-00000000')
    const bad = await runCli(['list', '--group', '42'], {env: api.env()})
    expect(bad.code).to.equal(2)
    const both = await runCli(['list', '--group', 'g-00000000', '--status', 'running'], {env: api.env()})
    expect(both.code).to.equal(2)
  })

  it('watch --group follows every attempt of the group to the end', async () => {
    const {group, ids} = await startGroup(2)
    const res = await runCli(['watch', '--group', group, '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson(res).map((r: any) => [r.id, r.status])).to.deep.equal(ids.map((id) => [id, 'COMPLETE']))
    expect(res.stderr).to.contain(`attempt 1 is run ${ids[0]}`)
    const human = await runCli(['watch', '--group', group], {env: api.env()})
    expect(human.stdout).to.contain(`run ${ids[1]}  attempt 2`)
    const both = await runCli(['watch', String(ids[0]), '--group', group], {env: api.env()})
    expect(both.code).to.equal(2)
    const asArg = await runCli(['watch', group], {env: api.env()})
    expect(asArg.code).to.equal(2)
    expect(asArg.stderr).to.contain(`watch a group with --group ${group}`)
    const unknown = await runCli(['watch', '--group', 'g-00000000'], {env: api.env()})
    expect(unknown.code).to.equal(4)
  })
})

describe('new --attempts on a terminal and Ctrl-C', () => {
  const api = useFakeApi({runDurationMs: 60_000})
  const creates = () => api.fake().requests.filter((r) => r.method === 'POST' && CREATE.test(r.path))

  it('asks first, stating the cost: "n" sends no create (exit 2), "y" starts them', async () => {
    const no = await runOnTty(['new', '-q', 'x', '--attempts', '2'], {env: api.env(), steps: [['Continue? [y/N]', 'n\r']]})
    expect(no.unanswered).to.deep.equal([])
    expect(no.output).to.contain('2 paid agent runs')
    expect(no.code).to.equal(2)
    expect(creates()).to.have.length(0)
    const parent = api.fake().runs[3].id
    const yes = await runOnTty(['new', '-q', 'x', '--attempts', '2', '--parent', String(parent)], {
      env: api.env(),
      steps: [['Continue? [y/N]', 'y\r']],
    })
    expect(yes.code, yes.output).to.equal(0)
    // With a parent, the question counts its reports too (each one resumes the parent).
    expect(yes.output.replace(/\s+/g, ' ')).to.contain(`Each reports to agent run ${parent} when it finishes: 2 resumes of it.`)
    expect(creates()).to.have.length(2)
  })

  it('Ctrl-C during the first create: it is waited for and recorded, no other attempt is sent, exit 130', async () => {
    api.fake().inject({method: 'POST', path: CREATE, kind: 'delay', delayMs: 1500})
    const res = await interruptWhen(['new', '-q', 'x', '--attempts', '3', '--yes'], api.env(), () => creates().length > 0)
    expect(res.code, res.stderr).to.equal(130)
    expect(creates()).to.have.length(1)
    const run = api.fake().runs[0]
    expect(res.stdout).to.contain(`Attempt 1/3: created agent run ${run.id}`)
    expect(res.stderr)
      .to.contain('Attempt 2/3: not sent')
      .and.to.contain('Attempt 3/3: not sent')
      .and.to.contain('1 of 3 agent runs created')
    const state = JSON.parse(fs.readFileSync(path.join(api.box().stateDir, 'runs.json'), 'utf8'))
    expect(state.runs[String(run.id)].attempt).to.equal(1)
  })
})
