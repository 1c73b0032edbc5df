import {expect} from 'chai'
import {useFakeApi} from './helpers/fake.js'
import {findOperation, loadSpec} from './fake-api/contract.js'
import {ROUTES} from '../src/sandbox/routes.js'
import type {FakeApiOptions} from './fake-api/server.js'

// The fake's answers for the rest of the contract (routes-rest.ts): checked against the contract after
// each test like every other route, and here for what each endpoint does.

function useFake(opts: FakeApiOptions = {}) {
  // The suites' own helper: one fake, reset before each test, its answers checked against the contract.
  const {fake} = useFakeApi(opts)
  const api = async (p: string, init: {method?: string; body?: unknown} = {}) => {
    const res = await fetch(fake().url + p, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {authorization: `Bearer ${fake().token}`, ...(init.body === undefined ? {} : {'content-type': 'application/json'})},
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
    const text = await res.text()
    return {status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined}
  }
  return {fake, api}
}

const pr = (id: number, repo: string, n: number) => ({
  id,
  title: `PR ${n}`,
  url: `https://github.com/${repo}/pull/${n}`,
  created_at: '2026-11-30T08:00:00Z',
  head_branch_name: `b-${n}`,
})

describe('fake API: the rest of the contract', () => {
  const {fake, api} = useFake()
  const org = '/v1/organizations/42'

  it('implements every operation of the contract it routes, and every route is one', () => {
    for (const r of ROUTES) expect(findOperation(r.method, r.template), `${r.method} ${r.template}`).to.not.equal(undefined)
    const spec = loadSpec()
    const routed = new Set(ROUTES.map((r) => `${r.method} ${r.template}`))
    const wanted = [
      'POST /v1/organizations/{org_id}/agent/run/ban',
      'POST /v1/organizations/{org_id}/agent/run/unban',
      'POST /v1/organizations/{org_id}/agent/run/remove-from-pr',
      'PATCH /v1/organizations/{org_id}/prs/{pr_id}',
      'PATCH /v1/organizations/{org_id}/repos/{repo_id}/prs/{pr_id}',
      'GET /v1/organizations/{org_id}/repos/check-suite-settings',
      'PUT /v1/organizations/{org_id}/repos/check-suite-settings',
      'GET /v1/organizations/{org_id}/integrations',
      'GET /v1/oauth/tokens/status',
      'POST /v1/organizations/{org_id}/setup-commands/generate',
    ]
    for (const w of wanted) {
      const [method, template] = w.split(' ')
      expect(spec.paths[template]?.[method.toLowerCase()], w).to.be.an('object')
      expect(routed.has(w), w).to.equal(true)
    }
  })

  it('ban stops every live run on the PR and flags it; unban lifts the flag; 404 and 422 as the contract says', async () => {
    const shared = pr(90_001, 'acme/robot-core', 77)
    const a = fake().addRun({github_pull_requests: [shared]}, {live: true})
    const b = fake().addRun({github_pull_requests: [shared]}, {live: true})
    const other = fake().addRun({github_pull_requests: [pr(90_002, 'acme/robot-core', 78)]}, {live: true})
    const res = await api(`${org}/agent/run/ban`, {body: {agent_run_id: a.id}})
    expect(res.status).to.equal(200)
    expect(res.json.stopped_agent_run_ids).to.have.members([a.id, b.id])
    expect(fake().getRun(a.id)!.status).to.equal('STOPPED')
    expect(fake().getRun(b.id)!.status).to.equal('STOPPED')
    expect(fake().getRun(other.id)!.status).to.equal('ACTIVE')
    expect([...fake().rest.bannedPrs]).to.deep.equal([90_001])

    expect((await api(`${org}/agent/run/unban`, {body: {agent_run_id: b.id}})).status).to.equal(200)
    expect([...fake().rest.bannedPrs]).to.deep.equal([])

    const missing = await api(`${org}/agent/run/remove-from-pr`, {body: {agent_run_id: 999_999}})
    expect(missing.status).to.equal(404)
    expect(missing.json.message).to.equal('Agent run not found.')
    const bad = await api(`${org}/agent/run/ban`, {body: {}})
    expect(bad.status).to.equal(422)
    expect(bad.json.detail[0].loc).to.deep.equal(['body', 'agent_run_id'])
    // The bad body was sent on purpose: it is recorded as breaking the contract, then forgotten.
    expect(fake().requestViolations).to.have.length(1)
    fake().requestViolations.length = 0
  })

  it('PATCH prs: by PR id or repo + PR id; a PR outside the repo is 404; a closed PR cannot become a draft', async () => {
    const repo = fake().repos[0]
    fake().addRun({github_pull_requests: [pr(90_010, repo.full_name, 12)]})
    const closed = await api(`${org}/prs/90010`, {method: 'PATCH', body: {state: 'closed'}})
    expect(closed.status).to.equal(200)
    expect(closed.json).to.include({success: true, state: 'closed', number: 12})
    const draft = await api(`${org}/repos/${repo.id}/prs/90010`, {method: 'PATCH', body: {state: 'draft'}})
    expect(draft.json).to.include({success: false, state: 'closed'})
    expect(draft.json.error).to.match(/closed/)
    const open = await api(`${org}/repos/${repo.id}/prs/90010`, {method: 'PATCH', body: {state: 'open'}})
    expect(open.json).to.include({success: true, state: 'open'})
    expect((await api(`${org}/repos/${fake().repos[1].id}/prs/90010`, {method: 'PATCH', body: {state: 'open'}})).status).to.equal(404)
    expect((await api(`${org}/prs/1`, {method: 'PATCH', body: {state: 'open'}})).status).to.equal(404)
    expect((await api(`${org}/prs/90010`, {method: 'PATCH', body: {state: 'merged'}})).status).to.equal(422)
    expect(fake().requestViolations).to.have.length(1)
    fake().requestViolations.length = 0
  })

  it('check-suite settings: defaults, PUT changes only the fields given, repo_id required and in the org', async () => {
    const id = fake().repos[2].id
    const before = await api(`${org}/repos/check-suite-settings?repo_id=${id}`)
    expect(before.status).to.equal(200)
    expect(before.json.available_check_suite_names).to.include('lint')
    const put = await api(`${org}/repos/check-suite-settings?repo_id=${id}`, {
      method: 'PUT',
      body: {check_retry_count: 5, ignored_checks: ['lint'], custom_prompts: null},
    })
    expect(put.status).to.equal(200)
    const after = await api(`${org}/repos/check-suite-settings?repo_id=${id}`)
    expect(after.json).to.deep.equal({...before.json, check_retry_count: 5, ignored_checks: ['lint']})
    expect((await api(`${org}/repos/check-suite-settings`)).status).to.equal(422)
    expect((await api(`${org}/repos/check-suite-settings?repo_id=1`)).status).to.equal(404)
    const tooMany = await api(`${org}/repos/check-suite-settings?repo_id=${id}`, {method: 'PUT', body: {check_retry_count: 11}})
    expect(tooMany.status).to.equal(422)
    expect(tooMany.json.detail[0].loc).to.deep.equal(['body', 'check_retry_count'])
    expect(fake().requestViolations.join('\n')).to.contain('check_retry_count')
    fake().requestViolations.length = 0
  })

  it('integrations and OAuth token status; another org is 403, a missing org_id 422', async () => {
    const res = await api(`${org}/integrations`)
    expect(res.status).to.equal(200)
    expect(res.json.total_active_integrations).to.equal(res.json.integrations.filter((i: {active: boolean}) => i.active).length)
    expect((await api('/v1/organizations/99/integrations')).status).to.equal(403)
    const oauth = await api('/v1/oauth/tokens/status?org_id=42')
    expect(oauth.json).to.deep.equal(['github', 'slack', 'linear'])
    expect((await api('/v1/oauth/tokens/status')).status).to.equal(422)
  })

  it('setup-commands/generate starts a SETUP_COMMANDS run on the repository; an unknown repo is 404', async () => {
    const repo = fake().repos[4]
    const res = await api(`${org}/setup-commands/generate`, {body: {repo_id: repo.id, prompt: 'use pnpm'}})
    expect(res.status).to.equal(200)
    const run = fake().getRun(res.json.agent_run_id)!
    expect(run).to.include({source_type: 'SETUP_COMMANDS', status: 'ACTIVE'})
    expect(res.json.url).to.equal(run.web_url)
    expect(fake().getLogs(run.id)[0].observation).to.contain(repo.full_name).and.to.contain('use pnpm')
    expect((await api(`${org}/setup-commands/generate`, {body: {repo_id: 1}})).status).to.equal(404)
  })
})

describe('fake API: the rest of the contract, rate limits', () => {
  const {fake, api} = useFake({rateLimits: true})

  it('allows 5 setup-command runs and 30 PR edits a minute, each in its own window', async () => {
    const repo = fake().repos[0]
    const statuses: number[] = []
    for (let i = 0; i < 6; i++)
      statuses.push((await api('/v1/organizations/42/setup-commands/generate', {body: {repo_id: repo.id}})).status)
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429])
    fake().addRun({github_pull_requests: [pr(90_020, repo.full_name, 3)]})
    const edits: number[] = []
    for (let i = 0; i < 31; i++) edits.push((await api('/v1/organizations/42/prs/90020', {method: 'PATCH', body: {state: 'open'}})).status)
    expect(edits.slice(0, 30).every((s) => s === 200)).to.equal(true)
    expect(edits[30]).to.equal(429)
    // The standard window is untouched by both.
    expect((await api('/v1/users/me')).status).to.equal(200)
  })
})
