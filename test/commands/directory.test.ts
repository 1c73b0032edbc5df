import {expect} from 'chai'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

describe('orgs, users, repos', () => {
  const api = useFakeApi()

  it('orgs lists the organizations and marks the current one', async () => {
    const json = parseJson<any[]>(await runCli(['orgs', '--json'], {env: api.env()}))
    expect(json.map((o) => o.id)).to.include(api.fake().orgId)
    const human = await runCli(['orgs'], {env: api.env()})
    expect(human.stdout).to.match(new RegExp(`^${api.fake().orgId}\\s+.+\\*$`, 'm'))
  })

  it('users pages through the API past 100', async () => {
    const res = await runCli(['users', '--limit', '250', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    const users = parseJson<any[]>(res)
    expect(users.length).to.equal(130)
    expect(new Set(users.map((u) => u.id)).size).to.equal(130)
    const calls = api.fake().requests.filter((r) => r.path.endsWith('/users'))
    expect(calls.map((c) => c.query.skip)).to.deep.equal(['0', '100'])
  })

  it('users --limit stops early and --skip offsets', async () => {
    const first = parseJson<any[]>(await runCli(['users', '--limit', '3', '--json'], {env: api.env()}))
    const skipped = parseJson<any[]>(await runCli(['users', '--limit', '2', '--skip', '1', '--json'], {env: api.env()}))
    expect(first).to.have.length(3)
    expect(skipped.map((u) => u.id)).to.deep.equal(first.slice(1, 3).map((u) => u.id))
  })

  it('users ID and users me', async () => {
    const me = parseJson(await runCli(['users', 'me', '--json'], {env: api.env()}))
    expect(me.id).to.equal(api.fake().userId)
    expect(api.fake().requests.at(-1)!.path).to.equal('/v1/users/me')
    const one = parseJson(await runCli(['users', String(me.id), '--json'], {env: api.env()}))
    expect(one.github_username).to.equal(me.github_username)
    const human = await runCli(['users', 'me'], {env: api.env()})
    expect(human.stdout).to.contain(me.github_username)
    const missing = await runCli(['users', '999999'], {env: api.env()})
    expect(missing.code).to.equal(4)
    const bad = await runCli(['users', 'bob'], {env: api.env()})
    expect(bad.code).to.equal(2)
  })

  it('repos lists with --limit and --search', async () => {
    const all = parseJson<any[]>(await runCli(['repos', '--limit', '500', '--json'], {env: api.env()}))
    expect(all.length).to.equal(140)
    const found = parseJson<any[]>(await runCli(['repos', '--search', 'codegen.py', '--json'], {env: api.env()}))
    expect(found.map((r) => r.full_name)).to.include('Zeeeepa/codegen.py')
    const human = await runCli(['repos', '--limit', '2'], {env: api.env()})
    expect(human.stdout.split('\n')[0]).to.match(/^ID\s+FULL NAME/)
  })
})

describe('errors and exit codes', () => {
  const api = useFakeApi()

  it('401: a rejected token exits 3 with what to do, never echoing the token', async () => {
    const res = await runCli(['orgs'], {env: api.env({CODEGEN_API_TOKEN: 'wrong-token-value-xyz'})})
    expect(res.code).to.equal(3)
    expect(res.stderr).to.contain('HTTP 401').and.to.contain('codegenapi login')
    expect(res.stdout + res.stderr).not.to.contain('wrong-token-value-xyz')
  })

  it('403: an org the user cannot access exits 3', async () => {
    const res = await runCli(['list', '--org-id', '999', '--json'], {env: api.env()})
    expect(res.code).to.equal(3)
    expect(parseJson(res).error).to.include({code: 'auth', exitCode: 3})
  })

  it('--org-id beats CODEGEN_ORG_ID, which beats the config file', async () => {
    await runCli(['list', '--org-id', String(api.fake().orgId), '--limit', '1', '--json'], {env: api.env({CODEGEN_ORG_ID: '999'})})
    expect(api.fake().requests.at(-1)!.path).to.contain(`/organizations/${api.fake().orgId}/`)
    const bad = await runCli(['list', '--json'], {env: api.env({CODEGEN_ORG_ID: 'abc'})})
    expect(bad.code).to.equal(2)
    expect(parseJson(bad).error.message).to.contain('CODEGEN_ORG_ID')
  })

  it('402: the plan limit exits 5', async () => {
    api.fake().inject({
      method: 'POST',
      path: /\/agent\/run$/,
      status: 402,
      body: {message: 'Alloted agent runs for the current billing plan have been reached.', status_code: 402},
    })
    const res = await runCli(['new', '--query', 'q'], {env: api.env()})
    expect(res.code).to.equal(5)
    expect(res.stderr).to.contain('billing plan')
  })

  it('422: FastAPI validation details are shown readably', async () => {
    api.fake().inject({
      method: 'GET',
      path: /\/agent\/runs$/,
      status: 422,
      body: {detail: [{loc: ['query', 'limit'], msg: 'Input should be less than or equal to 100', type: 'less_than_equal'}]},
    })
    const res = await runCli(['list'], {env: api.env()})
    expect(res.code).to.equal(1)
    expect(res.stderr).to.contain('limit: Input should be less than or equal to 100')
  })

  it('429 after every retry exits 5', async () => {
    api.fake().inject({
      method: 'GET',
      path: /\/organizations$/,
      status: 429,
      headers: {'retry-after': '0'},
      body: {message: 'Rate limit exceeded. Please try again later.', status_code: 429},
      times: 10,
    })
    const res = await runCli(['orgs'], {env: api.env()})
    expect(res.code).to.equal(5)
    expect(res.stderr).to.contain('Rate limit')
  })

  it('--debug shows requests and responses on stderr with the token redacted', async () => {
    const res = await runCli(['orgs', '--debug', '--json'], {env: api.env()})
    expect(res.code).to.equal(0)
    expect(res.stderr)
      .to.match(/--> GET \/v1\/organizations/)
      .and.to.match(/<-- 200 GET \/v1\/organizations/)
    expect(res.stderr).not.to.contain(api.fake().token)
    parseJson(res) // stdout is still one JSON document
    const viaEnv = await runCli(['orgs', '--json'], {env: api.env({DEBUG: 'codegenapi*'})})
    expect(viaEnv.stderr).to.contain('--> GET')
  })

  it('sends a User-Agent naming codegenapi and its version, and a bearer token', async () => {
    await runCli(['orgs', '--json'], {env: api.env()})
    const req = api.fake().requests[0]
    expect(req.headers['user-agent']).to.match(/^codegenapi\/\d+\.\d+\.\d+/)
    expect(req.headers.authorization).to.equal(`Bearer ${api.fake().token}`)
  })

  it('a base URL that is not http(s) is a usage error', async () => {
    const res = await runCli(['orgs'], {env: api.env({CODEGEN_API_BASE_URL: 'file:///etc/passwd'})})
    expect(res.code).to.equal(2)
    expect(res.stderr).to.contain('http(s) URL')
  })

  it('an unknown flag is a usage error (exit 2), also with --json', async () => {
    expect((await runCli(['list', '--bogus'], {env: api.env()})).code).to.equal(2)
    const res = await runCli(['list', '--bogus', '--json'], {env: api.env()})
    expect(res.code).to.equal(2)
    expect(parseJson(res).error.code).to.equal('usage')
  })
})
