import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {findOperation, validateRequestBody, validateResponse, validateSchema} from './fake-api/contract.js'
import {startSandboxApi} from '../src/sandbox/server.js'
import {startFakeApi, type FakeApi, type FakeApiOptions} from './fake-api/server.js'
import {useFakeApi} from './helpers/fake.js'
import {spawnTracked} from './helpers/processes.js'
import {until} from './helpers/wait.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A fetch against the fake with its token; `body` objects are sent as JSON. */
function client(fake: () => FakeApi) {
  return async (p: string, init: {method?: string; body?: unknown; token?: string | null; headers?: Record<string, string>} = {}) => {
    const headers: Record<string, string> = {...init.headers}
    const token = init.token === undefined ? fake().token : init.token
    if (token !== null) headers.authorization = `Bearer ${token}`
    let body: string | undefined
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
      headers['content-type'] = 'application/json'
    }
    const res = await fetch(fake().url + p, {method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body})
    const text = await res.text()
    let json: any
    try {
      json = text ? JSON.parse(text) : undefined
    } catch {
      json = undefined
    }
    return {status: res.status, headers: res.headers, text, json}
  }
}

/** One fake per suite (the suites' own helper: reset before each test, contract checked after). */
function useFake(opts: FakeApiOptions = {}) {
  const {fake} = useFakeApi(opts)
  return {fake, api: client(fake)}
}

describe('fake API: contract validator', () => {
  it('matches literal segments before parameters', () => {
    expect(findOperation('POST', '/v1/organizations/7/agent/run/resume')?.template).to.equal('/v1/organizations/{org_id}/agent/run/resume')
    expect(findOperation('GET', '/v1/organizations/7/agent/run/12')).to.deep.include({
      template: '/v1/organizations/{org_id}/agent/run/{agent_run_id}',
      params: {org_id: '7', agent_run_id: '12'},
    })
    expect(findOperation('GET', '/v1/organizations/7/repos/check-suite-settings')?.template).to.equal(
      '/v1/organizations/{org_id}/repos/check-suite-settings',
    )
    expect(findOperation('DELETE', '/v1/users/me')).to.equal(undefined)
  })

  it('accepts valid bodies', () => {
    const run = {id: 1, organization_id: 42, status: 'PAUSED_FOR_REVIEW', metadata: null, github_pull_requests: null}
    expect(validateResponse('GET', '/v1/organizations/42/agent/run/1', 200, run)).to.deep.equal([])
    expect(
      validateResponse('GET', '/v1/organizations/42/agent/runs', 200, {items: [run], total: 1, page: 1, size: 100, pages: 1}),
    ).to.deep.equal([])
    expect(validateRequestBody('POST', '/v1/organizations/42/agent/run', {prompt: 'x', repo_id: null, metadata: {a: 1}})).to.deep.equal([])
  })

  it('catches an AgentRunResponse without id and a Page without items', () => {
    const noId = validateResponse('GET', '/v1/organizations/42/agent/run/1', 200, {organization_id: 42, status: 'COMPLETE'})
    expect(noId).to.have.length(1)
    expect(noId[0]).to.contain('AgentRunResponse').and.to.contain("required property 'id'")
    const noItems = validateResponse('GET', '/v1/organizations/42/repos', 200, {total: 0, page: 1, size: 100, pages: 0})
    expect(noItems.join('\n')).to.contain("required property 'items'")
    const badItem = validateResponse('GET', '/v1/organizations/42/users', 200, {
      items: [{id: '1', github_username: 'x'}],
      total: 1,
      page: 1,
      size: 100,
      pages: 1,
    })
    expect(badItem.join('\n')).to.contain('/items/0/id must be integer').and.to.contain("required property 'github_user_id'")
    expect(validateSchema('AgentRunLogResponse', {created_at: 5})).to.have.length.greaterThan(0)
  })

  it('checks error bodies: declared schemas, and message/detail for undeclared statuses', () => {
    expect(
      validateResponse('GET', '/v1/organizations/42/agent/runs', 422, {detail: [{loc: ['query', 'limit'], msg: 'bad'}]}).join(),
    ).to.contain("required property 'type'")
    expect(validateResponse('GET', '/v1/users/me', 401, {detail: 'Invalid or missing API token'})).to.deep.equal([])
    expect(validateResponse('GET', '/v1/users/me', 502, {message: 'bad gateway'})).to.deep.equal([])
    expect(validateResponse('GET', '/v1/users/me', 500, undefined)).to.deep.equal([])
    expect(validateResponse('GET', '/v1/users/me', 500, {error: 'boom'})).to.have.length(1)
    expect(validateResponse('GET', '/v1/users/me', 500, 'boom')).to.have.length(1)
  })

  it('reports an unknown path and bad request bodies', () => {
    expect(validateResponse('GET', '/v1/nothing/here', 200, {})[0]).to.contain('no operation')
    expect(validateRequestBody('POST', '/v1/organizations/42/agent/run', {repo_id: 'acme/x'}).join('\n'))
      .to.contain("required property 'prompt'")
      .and.to.contain('/repo_id must be integer')
    expect(validateRequestBody('POST', '/v1/organizations/42/agent/run/resume', {prompt: 'x'}).join()).to.contain("'agent_run_id'")
    expect(validateRequestBody('POST', '/v1/organizations/42/agent/run', undefined)).to.have.length(1)
    expect(validateRequestBody('GET', '/v1/users/me', undefined)).to.deep.equal([])
  })
})

describe("fake API: the contract check is the tests' own (the sandbox ships without it)", () => {
  it("an answer off the contract is recorded by the tests' fake, and would fail the suite", async () => {
    const fake = await startFakeApi()
    const bare = await startSandboxApi()
    try {
      for (const f of [fake, bare]) {
        // A run whose web_url is a number: the contract says string or null.
        const run = f.addRun({web_url: 5 as unknown as string})
        const res = await fetch(`${f.url}/v1/organizations/42/agent/run/${run.id}`, {headers: {authorization: `Bearer ${f.token}`}})
        expect(res.status).to.equal(200)
      }
      expect(fake.contractViolations.join('\n')).to.contain('/web_url')
      // useFakeApi's afterEach asserts this list is empty: the same answer in any suite fails its test.
      expect(bare.contractViolations).to.deep.equal([])
    } finally {
      await fake.close()
      await bare.close()
    }
  })

  it('the sandbox does not load ajv or the spec: only the tests hand it a contract check', () => {
    const sources = ['server', 'routes', 'routes-rest', 'state', 'data', 'params', 'paths', 'rate-limit', 'types'].map((n) =>
      fs.readFileSync(path.join(ROOT, 'src', 'sandbox', `${n}.ts`), 'utf8'),
    )
    for (const text of sources) expect(text).to.not.match(/from '(ajv|.*contract)/)
  })
})

describe('fake API: endpoints', () => {
  const {fake, api} = useFake({runDurationMs: 400})

  it('GET /v1/users/me is the token user', async () => {
    const res = await api('/v1/users/me')
    expect(res.status).to.equal(200)
    expect(res.headers.get('content-type')).to.match(/^application\/json/)
    expect(res.json).to.include({id: fake().userId, github_username: 'ada-dev'})
  })

  it('GET /v1/organizations lists both organizations', async () => {
    const res = await api('/v1/organizations')
    expect(res.json).to.deep.include({total: 2, page: 1, size: 100, pages: 1})
    expect(res.json.items.map((o: any) => o.id)).to.deep.equal([42, 57])
    expect(res.json.items[0].name).to.equal('Acme Robotics')
    expect((await api('/v1/organizations?skip=1&limit=1')).json).to.deep.include({total: 2, page: 2, size: 1, pages: 2})
  })

  it('pages 130 users: default limit 100, then the last 30', async () => {
    const first = (await api('/v1/organizations/42/users')).json
    expect(first).to.deep.include({total: 130, page: 1, size: 100, pages: 2})
    expect(first.items).to.have.length(100)
    const second = (await api('/v1/organizations/42/users?skip=100&limit=100')).json
    expect(second).to.deep.include({total: 130, page: 2, size: 100, pages: 2})
    expect(second.items).to.have.length(30)
    const ids = [...first.items, ...second.items].map((u: any) => u.id)
    expect(new Set(ids).size).to.equal(130)
    expect((await api('/v1/organizations/42/users?skip=25&limit=25')).json).to.deep.include({page: 2, size: 25, pages: 6})
    expect((await api('/v1/organizations/42/users?skip=200')).json).to.deep.include({items: [], total: 130, page: 3})
  })

  it('GET a user, and 404 UserNotFound for one outside the org', async () => {
    const res = await api('/v1/organizations/42/users/1002')
    expect(res.status).to.equal(200)
    expect(res.json.id).to.equal(1002)
    const missing = await api('/v1/organizations/42/users/5')
    expect(missing.status).to.equal(404)
    expect(missing.json).to.deep.equal({message: 'User not found.', status_code: 404})
  })

  it('pages 140 repos, with Zeeeepa/codegen.py on the second page', async () => {
    const first = (await api('/v1/organizations/42/repos?limit=100')).json
    const second = (await api('/v1/organizations/42/repos?limit=100&skip=100')).json
    expect(first).to.deep.include({total: 140, page: 1, size: 100, pages: 2})
    expect(second).to.deep.include({total: 140, page: 2, size: 100, pages: 2})
    expect(second.items).to.have.length(40)
    const all = [...first.items, ...second.items]
    expect(all.every((r: any) => /^[\w.-]+\/[\w.-]+$/.test(r.full_name) && r.full_name.endsWith(`/${r.name}`))).to.equal(true)
    expect(new Set(all.map((r: any) => r.full_name)).size).to.equal(140)
    expect(first.items.map((r: any) => r.full_name)).not.to.include('Zeeeepa/codegen.py')
    expect(second.items.map((r: any) => r.full_name)).to.include('Zeeeepa/codegen.py')
    const other = (await api('/v1/organizations/57/repos')).json
    expect(other.total).to.equal(3)
  })

  it('lists runs newest first, with paging and user/source filters', async () => {
    const all = (await api('/v1/organizations/42/agent/runs')).json
    expect(all).to.deep.include({total: 60, page: 1, size: 100, pages: 1})
    const ids = all.items.map((r: any) => r.id)
    expect(ids).to.deep.equal([...ids].sort((a: number, b: number) => b - a))
    const times = all.items.map((r: any) => Date.parse(r.created_at))
    expect(times).to.deep.equal([...times].sort((a: number, b: number) => b - a))
    expect(all.items[0]).not.to.have.property('creator_id')
    const p3 = (await api('/v1/organizations/42/agent/runs?skip=14&limit=7')).json
    expect(p3).to.deep.include({total: 60, page: 3, size: 7, pages: 9})
    expect(p3.items.map((r: any) => r.id)).to.deep.equal(ids.slice(14, 21))
    const mine = (await api(`/v1/organizations/42/agent/runs?user_id=${fake().userId}`)).json
    expect(mine.total)
      .to.equal(fake().runs.filter((r) => r.creator_id === fake().userId).length)
      .and.to.be.within(1, 59)
    const slack = (await api('/v1/organizations/42/agent/runs?source_type=SLACK')).json
    expect(slack.total).to.be.greaterThan(0)
    expect(slack.items.every((r: any) => r.source_type === 'SLACK')).to.equal(true)
  })

  it('seeds a realistic mix of runs', () => {
    const runs = fake().runs
    const statuses = new Set(runs.map((r) => r.status))
    for (const s of ['COMPLETE', 'ACTIVE', 'FAILED', 'ERROR', 'CANCELLED', 'STOPPED', 'complete', 'PAUSED_FOR_REVIEW'])
      expect(statuses, s).to.include(s)
    expect(runs.every((r) => r.web_url === `https://codegen.com/agent/trace/${r.id}`)).to.equal(true)
    const withPr = runs.filter((r) => r.github_pull_requests?.length)
    expect(withPr.length).to.be.greaterThan(5)
    expect(withPr[0].github_pull_requests![0].url).to.match(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/pull\/\d+$/)
    expect(runs.some((r) => typeof r.metadata?.repo === 'string' && typeof r.metadata?.task === 'string')).to.equal(true)
    expect(runs.some((r) => r.metadata === null)).to.equal(true)
    expect(runs.some((r) => r.summary === null) && runs.some((r) => typeof r.summary === 'string')).to.equal(true)
  })

  it('GET a run, and 404 AgentRunNotFound for an unknown one or another org', async () => {
    const run = fake().runs[3]
    const res = await api(`/v1/organizations/42/agent/run/${run.id}`)
    expect(res.status).to.equal(200)
    expect(res.json).to.deep.include({id: run.id, status: run.status, organization_id: 42})
    expect(res.json.github_pull_requests).to.deep.equal(run.github_pull_requests)
    for (const p of ['/v1/organizations/42/agent/run/99999999', `/v1/organizations/57/agent/run/${run.id}`]) {
      const missing = await api(p)
      expect(missing.status, p).to.equal(404)
      expect(missing.json).to.deep.equal({message: 'Agent run not found.', status_code: 404})
    }
  })

  it('pages logs past 100 entries, with reverse', async () => {
    const run = fake().runs.find((r) => r.status === 'COMPLETE')!
    const base = `/v1/alpha/organizations/42/agent/run/${run.id}/logs`
    const first = (await api(base)).json
    expect(first.total_logs).to.be.greaterThan(100)
    expect(first).to.deep.include({id: run.id, status: 'COMPLETE', page: 1, size: 100, pages: Math.ceil(first.total_logs / 100)})
    expect(first.logs).to.have.length(100)
    const rest = (await api(`${base}?skip=100&limit=100`)).json
    expect(rest.logs).to.have.length(first.total_logs - 100)
    const all = [...first.logs, ...rest.logs]
    expect(all.every((l: any) => l.agent_run_id === run.id)).to.equal(true)
    const times = all.map((l: any) => Date.parse(l.created_at))
    expect(times).to.deep.equal([...times].sort((a, b) => a - b))
    expect(new Set(all.map((l: any) => l.message_type)))
      .to.include('ACTION')
      .and.to.include('PLAN_EVALUATION')
      .and.to.include('FINAL_ANSWER')
    expect(all.some((l: any) => l.tool_name && l.thought)).to.equal(true)
    const rev = (await api(`${base}?reverse=true&limit=3&skip=1`)).json
    expect(rev.logs).to.deep.equal([...all].reverse().slice(1, 4))
    expect(rev).to.deep.include({page: 1, size: 3})
    expect((await api('/v1/alpha/organizations/42/agent/run/99999999/logs')).status).to.equal(404)
  })

  it('creates a run for the token user: ACTIVE, source API, metadata kept', async () => {
    const zee = fake().repos.find((r) => r.full_name === 'Zeeeepa/codegen.py')!
    const res = await api('/v1/organizations/42/agent/run', {
      body: {
        prompt: 'Add retry logic',
        repo_id: zee.id,
        metadata: {repo: zee.full_name, task: 'FIX', source: 'codegenapi'},
        agent_type: 'codegen',
        images: [],
        model: null,
      },
    })
    expect(res.status).to.equal(200)
    expect(res.json).to.deep.include({
      status: 'ACTIVE',
      source_type: 'API',
      organization_id: 42,
      web_url: `https://codegen.com/agent/trace/${res.json.id}`,
    })
    expect(res.json.metadata).to.deep.equal({repo: zee.full_name, task: 'FIX', source: 'codegenapi'})
    expect(res.json.id).to.be.greaterThan(
      Math.max(
        ...fake()
          .runs.filter((r) => r.id !== res.json.id)
          .map((r) => r.id),
      ),
    )
    expect(fake().runs[0].id).to.equal(res.json.id)
    expect(fake().getRun(res.json.id)!.creator_id).to.equal(fake().userId)
    const list = (await api(`/v1/organizations/42/agent/runs?user_id=${fake().userId}&source_type=API&limit=1`)).json
    expect(list.items[0].id).to.equal(res.json.id)
  })

  it('create: 404 NoReposFoundInOrg for an unknown repo_id, 403 for another org', async () => {
    const res = await api('/v1/organizations/42/agent/run', {body: {prompt: 'x', repo_id: 1}})
    expect(res.status).to.equal(404)
    expect(res.json.message).to.match(/^No repos found/)
    expect((await api('/v1/organizations/1/agent/run', {body: {prompt: 'x'}})).status).to.equal(403)
    expect(fake().runs).to.have.length(60)
  })

  it('resumes a run: ACTIVE again, then terminal, with the prompt in the logs', async () => {
    const run = fake().runs.find((r) => r.status === 'FAILED')!
    const res = await api('/v1/organizations/42/agent/run/resume', {body: {agent_run_id: run.id, prompt: 'Try again with the new fixture'}})
    expect(res.status).to.equal(200)
    expect(res.json).to.include({id: run.id, status: 'ACTIVE'})
    expect(fake().getLogs(run.id).at(-1)).to.include({message_type: 'USER_MESSAGE', observation: 'Try again with the new fixture'})
    await sleep(450)
    expect((await api(`/v1/organizations/42/agent/run/${run.id}`)).json.status).to.equal('COMPLETE')
    const missing = await api('/v1/organizations/42/agent/run/resume', {body: {agent_run_id: 99999999, prompt: 'x'}})
    expect(missing.status).to.equal(404)
    expect(missing.json.message).to.equal('Agent run not found.')
  })

  it('answers 501 for contract endpoints it does not implement, 404/405 for the rest', async () => {
    expect((await api('/v1/organizations/42/cli/rules')).status).to.equal(501)
    const nf = await api('/v2/nothing', {token: null})
    expect(nf.status).to.equal(404)
    expect(nf.json).to.deep.equal({detail: 'Not Found'})
    expect((await api('/v1/users/me', {method: 'DELETE'})).status).to.equal(405)
  })
})

describe('fake API: auth', () => {
  const {fake, api} = useFake()
  const orgPaths = [
    '/v1/organizations/42/users',
    '/v1/organizations/42/users/1001',
    '/v1/organizations/42/repos',
    '/v1/organizations/42/agent/runs',
    '/v1/organizations/42/agent/run/7001',
    '/v1/alpha/organizations/42/agent/run/7001/logs',
  ]

  it('401 without a token, with a wrong one, or without "Bearer"', async () => {
    for (const init of [{token: null}, {token: 'wrong-token-value-xyz'}, {token: null, headers: {authorization: fake().token}}]) {
      for (const p of ['/v1/users/me', '/v1/organizations', ...orgPaths]) {
        const res = await api(p, init)
        expect(res.status, p).to.equal(401)
        expect(res.json).to.deep.equal({detail: 'Invalid or missing API token'})
      }
    }
    expect((await api('/v1/organizations/42/agent/run', {body: {prompt: 'x'}, token: 'nope'})).status).to.equal(401)
    expect(fake().runs).to.have.length(60)
    expect((await api('/v1/users/me', {token: null, headers: {authorization: `bearer ${fake().token}`}})).status).to.equal(200)
  })

  it('403 PermissionsErrorResponse for an organization the user is not in', async () => {
    for (const p of orgPaths.map((p) => p.replace('/42/', '/999/'))) {
      const res = await api(p)
      expect(res.status, p).to.equal(403)
      expect(res.json).to.deep.equal({message: 'You do not have access to this organization.', status_code: 403})
    }
    expect((await api('/v1/organizations/999/agent/run/resume', {body: {agent_run_id: 7001, prompt: 'x'}})).status).to.equal(403)
    expect((await api('/v1/organizations/57/users')).json.total).to.equal(3)
  })
})

describe('fake API: validation (422)', () => {
  const {fake, api} = useFake()

  it('rejects bad skip/limit/reverse/source_type and path ids FastAPI-style', async () => {
    const cases: [string, (string | number)[], string][] = [
      ['/v1/organizations/42/repos?limit=0', ['query', 'limit'], 'greater_than_equal'],
      ['/v1/organizations/42/repos?limit=101', ['query', 'limit'], 'less_than_equal'],
      ['/v1/organizations/42/users?skip=-1', ['query', 'skip'], 'greater_than_equal'],
      ['/v1/organizations?limit=ten', ['query', 'limit'], 'int_parsing'],
      ['/v1/organizations/42/agent/runs?limit=2.5', ['query', 'limit'], 'int_parsing'],
      ['/v1/organizations/42/agent/runs?source_type=github', ['query', 'source_type'], 'enum'],
      ['/v1/organizations/42/agent/runs?user_id=me', ['query', 'user_id'], 'int_parsing'],
      ['/v1/alpha/organizations/42/agent/run/7001/logs?reverse=maybe', ['query', 'reverse'], 'bool_parsing'],
      ['/v1/organizations/acme/repos', ['path', 'org_id'], 'int_parsing'],
      ['/v1/organizations/42/agent/run/abc', ['path', 'agent_run_id'], 'int_parsing'],
    ]
    for (const [p, loc, type] of cases) {
      const res = await api(p)
      expect(res.status, p).to.equal(422)
      expect(res.json.detail, p).to.have.length(1)
      expect(res.json.detail[0], p).to.deep.include({loc, type})
      expect(res.json.detail[0].msg, p)
        .to.be.a('string')
        .and.match(/^Input should/)
    }
    expect((await api('/v1/organizations/42/repos?limit=100&skip=0')).status).to.equal(200)
    expect((await api('/v1/organizations/42/repos?limit=1')).status).to.equal(200)
  })

  it('rejects create and resume bodies with a missing or empty prompt or wrong types, and records them', async () => {
    const cases: [unknown, string, (string | number)[], string][] = [
      [{repo_id: 3001}, '/agent/run', ['body', 'prompt'], 'missing'],
      [{prompt: '  '}, '/agent/run', ['body', 'prompt'], 'string_too_short'],
      [{prompt: 5}, '/agent/run', ['body', 'prompt'], 'string_type'],
      [{prompt: 'x', repo_id: 'acme/x'}, '/agent/run', ['body', 'repo_id'], 'int_type'],
      [{prompt: 'x', agent_type: 'gpt'}, '/agent/run', ['body', 'agent_type'], 'enum'],
      [{prompt: 'x', images: 'a.png'}, '/agent/run', ['body', 'images'], 'list_type'],
      [{prompt: 'x', metadata: [1]}, '/agent/run', ['body', 'metadata'], 'dict_type'],
      ['{"prompt": ', '/agent/run', ['body', 11], 'json_invalid'],
      [{prompt: 'x'}, '/agent/run/resume', ['body', 'agent_run_id'], 'missing'],
      [{agent_run_id: '7001', prompt: 'x'}, '/agent/run/resume', ['body', 'agent_run_id'], 'int_type'],
    ]
    for (const [body, suffix, loc, type] of cases) {
      const res = await api(`/v1/organizations/42${suffix}`, {body})
      expect(res.status, JSON.stringify(body)).to.equal(422)
      expect(res.json.detail[0], JSON.stringify(body)).to.deep.include({loc, type})
    }
    const noBody = await api('/v1/organizations/42/agent/run', {method: 'POST'})
    expect(noBody.json.detail[0]).to.deep.include({loc: ['body'], type: 'missing'})
    // Every bad body above breaks the contract's request schema, except the blank prompt (a plain string).
    expect(fake().requestViolations.length).to.be.at.least(cases.length - 1)
    expect(fake().requestViolations.join('\n'))
      .to.contain('CreateAgentRunInput')
      .and.to.contain('ResumeAgentRunInput')
      .and.to.contain('not JSON')
    expect(fake().runs).to.have.length(60)
    fake().requestViolations.length = 0
  })
})

describe('fake API: life cycle', () => {
  describe('by time', () => {
    const {fake, api} = useFake({runDurationMs: 700, logIntervalMs: 100})

    it('a created run is ACTIVE, gains logs, then is COMPLETE with result, summary and a PR', async () => {
      const zee = fake().repos.find((r) => r.full_name === 'Zeeeepa/codegen.py')!
      const created = (await api('/v1/organizations/42/agent/run', {body: {prompt: 'Fix the flaky test\nDetails...', repo_id: zee.id}}))
        .json
      const url = `/v1/organizations/42/agent/run/${created.id}`
      const logsUrl = `/v1/alpha/organizations/42/agent/run/${created.id}/logs`
      expect((await api(url)).json.status).to.equal('ACTIVE')
      const early = (await api(logsUrl)).json.total_logs
      await sleep(350)
      const mid = (await api(logsUrl)).json
      expect(mid.status).to.equal('ACTIVE')
      expect(mid.total_logs).to.be.greaterThan(early)
      await sleep(450)
      const done = (await api(url)).json
      expect(done.status).to.equal('COMPLETE')
      expect(done.summary).to.contain('Fix the flaky test')
      expect(done.result).to.be.a('string')
      expect(done.github_pull_requests).to.have.length(1)
      expect(done.github_pull_requests[0].url).to.match(/^https:\/\/github\.com\/Zeeeepa\/codegen\.py\/pull\/\d+$/)
      const logs = (await api(logsUrl)).json
      expect(logs.logs.at(-1).message_type).to.equal('FINAL_ANSWER')
      expect(fake().getRun(created.id)!.status).to.equal('COMPLETE')
    })

    it('seeded ACTIVE runs stay ACTIVE; setRunStatus and addRun control runs', async () => {
      const active = fake().runs.find((r) => r.status === 'ACTIVE')!
      await sleep(750)
      expect((await api(`/v1/organizations/42/agent/run/${active.id}`)).json.status).to.equal('ACTIVE')
      fake().setRunStatus(active.id, 'STOPPED', {summary: 'Stopped by test'})
      expect((await api(`/v1/organizations/42/agent/run/${active.id}`)).json).to.include({status: 'STOPPED', summary: 'Stopped by test'})
      const added = fake().addRun({status: 'weird-status', summary: 's', logs: [{message_type: 'ACTION', tool_name: 'view_file'}]})
      expect(fake().runs[0].id).to.equal(added.id)
      expect((await api(`/v1/organizations/42/agent/run/${added.id}`)).json).to.include({status: 'weird-status', summary: 's'})
      expect((await api(`/v1/alpha/organizations/42/agent/run/${added.id}/logs`)).json.logs).to.have.length(1)
      const live = fake().addRun({}, {live: true})
      expect(live.status).to.equal('ACTIVE')
      await sleep(750)
      expect(fake().getRun(live.id)!.status).to.equal('COMPLETE')
      expect(() => fake().setRunStatus(1, 'COMPLETE')).to.throw()
    })

    it('reset() restores the seed data', async () => {
      const before = JSON.stringify(fake().runs)
      await api('/v1/organizations/42/agent/run', {body: {prompt: 'x'}})
      fake().setRunStatus(fake().runs[5].id, 'CANCELLED')
      fake().inject({path: '/v1/users/me', status: 500})
      expect(fake().runs).to.have.length(61)
      fake().reset()
      expect(fake().requests).to.have.length(0)
      expect(fake().runs).to.have.length(60)
      // The seed is anchored at the time of the reset: times, and Slack thread ids made from them, move.
      const timeless = (json: string) => json.replace(/"(created_at|thread_ts)":"[^"]+"/g, '')
      expect(timeless(JSON.stringify(fake().runs))).to.equal(timeless(before))
      expect((await api('/v1/users/me')).status).to.equal(200)
    })
  })

  describe('by polls', () => {
    const {fake, api} = useFake({pollsToComplete: 3, outcome: 'FAILED'})

    it('ends on the third GET with the configured outcome, a log entry per GET', async () => {
      const created = (await api('/v1/organizations/42/agent/run', {body: {prompt: 'x'}})).json
      const url = `/v1/organizations/42/agent/run/${created.id}`
      expect((await api(url)).json.status).to.equal('ACTIVE')
      expect(fake().getLogs(created.id)).to.have.length(2)
      const logs = (await api(`/v1/alpha/organizations/42/agent/run/${created.id}/logs`)).json
      expect(logs.status).to.equal('ACTIVE')
      expect(logs.total_logs).to.equal(3)
      await sleep(1600) // time alone does not end it
      const last = (await api(url)).json
      expect(last.status).to.equal('FAILED')
      expect(last.result).to.be.a('string')
      expect(fake().getLogs(created.id).at(-1)!.message_type).to.equal('ERROR')
    })
  })
})

describe('fake API: faults', () => {
  const {fake, api} = useFake({runDurationMs: 60_000})
  const creates = () => fake().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/agent/run'))

  it('answers an injected status and JSON body without checking it, then goes back to normal', async () => {
    fake().inject({method: 'GET', path: /\/agent\/run\/\d+$/, status: 200, body: {organization_id: 42}, times: 2})
    const run = fake().runs[0]
    for (let i = 0; i < 2; i++) expect((await api(`/v1/organizations/42/agent/run/${run.id}`)).json).to.deep.equal({organization_id: 42})
    expect((await api(`/v1/organizations/42/agent/run/${run.id}`)).json.id).to.equal(run.id)
    expect(fake().requests.map((r) => r.fault)).to.deep.equal(['status', 'status', undefined])
  })

  it('sends a raw string as it is (an HTML error page), with headers', async () => {
    fake().inject({
      path: '/v1/organizations',
      status: 502,
      body: '<html><body>Bad gateway</body></html>',
      headers: {'x-served-by': 'proxy'},
    })
    const res = await api('/v1/organizations')
    expect(res.status).to.equal(502)
    expect(res.text).to.equal('<html><body>Bad gateway</body></html>')
    expect(res.headers.get('content-type')).to.match(/^text\/html/)
    expect(res.headers.get('x-served-by')).to.equal('proxy')
    expect(fake().requests[0].status).to.equal(502)
  })

  it('matches method and path, in order, and consumes each use', async () => {
    fake().inject({method: 'POST', path: '/v1/users/me', status: 500})
    fake().inject({path: /\/users\/me$/, status: 503, headers: {'retry-after': '1'}})
    fake().inject({path: /\/users\/me$/, status: 504})
    expect((await api('/v1/organizations')).status).to.equal(200)
    const first = await api('/v1/users/me')
    expect(first.status).to.equal(503)
    expect(first.headers.get('retry-after')).to.equal('1')
    expect(first.json).to.deep.equal({message: 'Service Unavailable', status_code: 503})
    expect((await api('/v1/users/me')).status).to.equal(504)
    expect((await api('/v1/users/me')).status).to.equal(200)
  })

  it('reset-before: the socket closes, nothing is created', async () => {
    fake().inject({method: 'POST', path: /\/agent\/run$/, kind: 'reset-before'})
    let error: unknown
    await api('/v1/organizations/42/agent/run', {body: {prompt: 'never'}}).catch((e) => (error = e))
    expect(error).to.be.instanceOf(Error)
    expect(creates()).to.have.length(1)
    expect(creates()[0]).to.include({status: 0, fault: 'reset-before'})
    expect(creates()[0].body).to.deep.equal({prompt: 'never'})
    expect(fake().runs).to.have.length(60)
  })

  it('reset-after: the run is created, the answer never arrives', async () => {
    fake().inject({method: 'POST', path: /\/agent\/run$/, kind: 'reset-after'})
    let error: unknown
    await api('/v1/organizations/42/agent/run', {body: {prompt: 'maybe', metadata: {source: 'test'}}}).catch((e) => (error = e))
    expect(error).to.be.instanceOf(Error)
    expect(fake().runs).to.have.length(61)
    expect(fake().runs[0]).to.include({status: 'ACTIVE', source_type: 'API'})
    expect(fake().runs[0].metadata).to.deep.equal({source: 'test'})
  })

  it('delay: acts, then answers after delayMs', async () => {
    fake().inject({method: 'POST', path: /\/agent\/run$/, kind: 'delay', delayMs: 400})
    const t0 = Date.now()
    const pending = api('/v1/organizations/42/agent/run', {body: {prompt: 'slow'}})
    await until(() => fake().runs.length === 61) // it acts on arrival, before the delayed answer
    const res = await pending
    expect(Date.now() - t0).to.be.at.least(390)
    expect(res.status).to.equal(200)
    expect(res.json.id).to.equal(fake().runs[0].id)
    fake().inject({path: '/v1/users/me', kind: 'delay', delayMs: 200, status: 503})
    const t1 = Date.now()
    expect((await api('/v1/users/me')).status).to.equal(503)
    expect(Date.now() - t1).to.be.at.least(190)
  })

  it('truncated: a complete HTTP answer whose JSON is cut short', async () => {
    fake().inject({method: 'GET', path: '/v1/users/me', kind: 'truncated'})
    const res = await api('/v1/users/me')
    expect(res.status).to.equal(200)
    expect(res.headers.get('content-type')).to.match(/^application\/json/)
    expect(res.text.length).to.be.greaterThan(0)
    expect(() => JSON.parse(res.text)).to.throw()
    expect(res.text).to.match(/^\{"id":1001/)
  })
})

describe('fake API: rate limits', () => {
  describe('custom limits', () => {
    const {fake, api} = useFake({
      rateLimits: {standard: {limit: 3, windowMs: 1200}, create: {limit: 2, windowMs: 60_000}, logs: {limit: 1, windowMs: 60_000}},
    })

    it('answers 429 with Retry-After past the limit, per category, and recovers after the window', async () => {
      for (let i = 0; i < 3; i++) expect((await api('/v1/users/me')).status).to.equal(200)
      const limited = await api('/v1/organizations')
      expect(limited.status).to.equal(429)
      expect(limited.json).to.deep.equal({message: 'Rate limit exceeded. Please try again later.', status_code: 429})
      expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 2)
      // Other categories have their own windows.
      for (let i = 0; i < 2; i++) expect((await api('/v1/organizations/42/agent/run', {body: {prompt: `p${i}`}})).status).to.equal(200)
      const create = await api('/v1/organizations/42/agent/run', {body: {prompt: 'p3'}})
      expect(create.status).to.equal(429)
      expect(Number(create.headers.get('retry-after'))).to.be.within(59, 60)
      expect(fake().runs).to.have.length(62)
      expect((await api('/v1/alpha/organizations/42/agent/run/7001/logs')).status).to.equal(200)
      expect((await api('/v1/alpha/organizations/42/agent/run/7001/logs')).status).to.equal(429)
      // A bad token is refused before it is counted.
      expect((await api('/v1/users/me', {token: 'nope'})).status).to.equal(401)
      await sleep(1250)
      expect((await api('/v1/users/me')).status).to.equal(200)
    })
  })

  describe('published limits', () => {
    const {api} = useFake({rateLimits: true})

    it('allows 60 standard requests per 30 s and 10 creations per minute', async () => {
      const statuses = await Promise.all(Array.from({length: 61}, () => api('/v1/users/me').then((r) => r.status)))
      expect(statuses.filter((s) => s === 200)).to.have.length(60)
      expect(statuses.filter((s) => s === 429)).to.have.length(1)
      const last = await api('/v1/organizations')
      expect(Number(last.headers.get('retry-after'))).to.be.within(28, 30)
      const creates = []
      for (let i = 0; i < 11; i++) creates.push((await api('/v1/organizations/42/agent/run', {body: {prompt: 'x'}})).status)
      expect(creates.slice(0, 10).every((s) => s === 200)).to.equal(true)
      expect(creates[10]).to.equal(429)
    })
  })
})

describe('fake API: introspection and options', () => {
  const {fake, api} = useFake()

  it('records method, path, query, headers, body, status and time of every request', async () => {
    const t0 = Date.now()
    await api('/v1/organizations/42/agent/runs?limit=5&skip=0&user_id=1002')
    await api('/v1/organizations/42/agent/run', {body: {prompt: 'hello', repo_id: null}})
    await api('/v1/organizations/42/agent/run', {body: 'not json{'})
    const [list, create, bad] = fake().requests
    expect(list).to.deep.include({method: 'GET', path: '/v1/organizations/42/agent/runs', status: 200, body: undefined})
    expect(list.query).to.deep.equal({limit: '5', skip: '0', user_id: '1002'})
    expect(list.headers.authorization).to.equal(`Bearer ${fake().token}`)
    expect(list.at).to.be.within(t0, Date.now())
    expect(create).to.deep.include({method: 'POST', status: 200, body: {prompt: 'hello', repo_id: null}})
    expect(bad).to.deep.include({status: 422, body: 'not json{'})
    fake().requestViolations.length = 0
  })

  it('is deterministic for a seed and honours the size options', async () => {
    const now = Date.parse('2025-10-01T12:00:00Z')
    const a = await startFakeApi({
      now,
      runCount: 10_000,
      failedFraction: 0.3,
      userCount: 5,
      repoCount: 3,
      secondOrg: null,
      orgId: 7,
      token: 'tok',
    })
    const b = await startFakeApi({
      now,
      runCount: 10_000,
      failedFraction: 0.3,
      userCount: 5,
      repoCount: 3,
      secondOrg: null,
      orgId: 7,
      token: 'tok',
    })
    try {
      expect(JSON.stringify(a.runs)).to.equal(JSON.stringify(b.runs))
      expect(a.runs).to.have.length(10_000)
      const failed = a.runs.filter((r) => ['FAILED', 'ERROR'].includes(r.status!)).length / 10_000
      expect(failed).to.be.within(0.27, 0.33)
      expect(a.users).to.have.length(5)
      expect(a.repos.map((r) => r.full_name)).to.include('Zeeeepa/codegen.py')
      const h = {authorization: 'Bearer tok'}
      const last = await (await fetch(`${a.url}/v1/organizations/7/agent/runs?skip=9950&limit=100`, {headers: h})).json()
      expect(last).to.deep.include({total: 10_000, page: 100, size: 100, pages: 100})
      expect(last.items).to.have.length(50)
      expect(last.items.at(-1).id).to.equal(7001)
      const orgs = await (await fetch(`${a.url}/v1/organizations`, {headers: h})).json()
      expect(orgs.items.map((o: any) => o.id)).to.deep.equal([7])
      expect((await fetch(`${a.url}/v1/organizations/42/repos`, {headers: h})).status).to.equal(403)
      expect(a.contractViolations).to.deep.equal([])
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('runs standalone: prints url, token and orgId, stops on SIGTERM', async () => {
    const child = spawnTracked(
      process.execPath,
      ['--import', 'tsx', 'test/fake-api/main.ts', '--port', '0', '--runs', '100', '--rate-limits'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (d) => {
          out += d
          if (out.includes('\n')) resolve(out.split('\n')[0])
        })
        child.once('exit', (code) => reject(new Error(`exited ${code}`)))
      })
      const info = JSON.parse(line)
      expect(info).to.include({token: 'test-token-9f8e7d6c5b4a', orgId: 42})
      const res = await (
        await fetch(`${info.url}/v1/organizations/42/agent/runs?limit=1`, {headers: {authorization: `Bearer ${info.token}`}})
      ).json()
      expect(res.total).to.equal(100)
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      child.kill('SIGTERM')
      expect(await exited).to.equal(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})
