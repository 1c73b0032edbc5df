import {expect} from 'chai'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

// The rows of the fault table: what the network and the API do to us, and what we do about it.
describe('faults', () => {
  const api = useFakeApi({runDurationMs: 60_000})
  const creates = () => api.fake().requests.filter((r) => r.method === 'POST' && /\/agent\/run$/.test(r.path))
  const createdRuns = () => api.fake().runs.filter((r: any) => r.source_type === 'API' && r.metadata?.source === 'codegenapi')

  it('429 with Retry-After: 1 on a GET: waits, retries, succeeds', async () => {
    api
      .fake()
      .inject({
        method: 'GET',
        path: /\/organizations$/,
        status: 429,
        headers: {'retry-after': '1'},
        body: {message: 'Rate limit exceeded. Please try again later.', status_code: 429},
      })
    const res = await runCli(['orgs', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    const calls = api.fake().requests.filter((r) => r.path === '/v1/organizations')
    expect(calls).to.have.length(2)
    expect(calls[1].at - calls[0].at).to.be.at.least(950)
  })

  it('429 on POST create: waits, retries, exactly one run is created', async () => {
    api
      .fake()
      .inject({
        method: 'POST',
        path: /\/agent\/run$/,
        status: 429,
        headers: {'retry-after': '1'},
        body: {message: 'Rate limit exceeded. Please try again later.', status_code: 429},
      })
    const res = await runCli(['new', '--query', 'once', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(creates()).to.have.length(2)
    expect(createdRuns()).to.have.length(1)
    expect(parseJson(res).id).to.equal(createdRuns()[0].id)
  })

  it('502/503/504 on a GET, twice: retried with backoff, succeeds', async () => {
    api.fake().inject({method: 'GET', path: /\/agent\/runs$/, status: 502, body: '<html><body>Bad gateway</body></html>'})
    api.fake().inject({method: 'GET', path: /\/agent\/runs$/, status: 503, body: {message: 'unavailable'}})
    const res = await runCli(['list', '--limit', '2', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson<any[]>(res)).to.have.length(2)
    expect(api.fake().requests.filter((r) => r.path.endsWith('/agent/runs'))).to.have.length(3)
  })

  it('a reset after POST create was sent: no retry, exit 1, says how to check', async () => {
    api.fake().inject({method: 'POST', path: /\/agent\/run$/, kind: 'reset-after'})
    const res = await runCli(['new', '--query', 'maybe'], {env: api.env()})
    expect(res.code).to.equal(1)
    expect(res.stderr).to.contain('may have been created').and.to.contain('codegenapi list --mine --limit 5')
    expect(creates()).to.have.length(1)
    expect(createdRuns()).to.have.length(1)
  })

  it('a timeout after POST create was sent: no retry, exit 1', async () => {
    api.fake().inject({method: 'POST', path: /\/agent\/run$/, kind: 'delay', delayMs: 3000})
    const res = await runCli(['new', '--query', 'slow'], {env: api.env({CODEGEN_API_TIMEOUT: '1'})})
    expect(res.code).to.equal(1)
    expect(res.stderr).to.contain('may have been created').and.to.contain('no answer within 1 s')
    expect(creates()).to.have.length(1)
  })

  it('a reset before anything was acted on is retried for GET', async () => {
    api.fake().inject({method: 'GET', path: /\/users\/me$/, kind: 'reset-before'})
    const res = await runCli(['users', 'me', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(api.fake().requests.filter((r) => r.path === '/v1/users/me')).to.have.length(2)
  })

  it('a response that is not JSON: exit 1 naming the endpoint and status, no stack trace', async () => {
    api.fake().inject({method: 'GET', path: /\/organizations$/, status: 200, body: '<!DOCTYPE html><html>maintenance</html>'})
    const res = await runCli(['orgs'], {env: api.env()})
    expect(res.code).to.equal(1)
    expect(res.stderr).to.contain('GET /v1/organizations').and.to.contain('HTTP 200').and.to.contain('not JSON')
    expect(res.stderr).not.to.match(/\n\s+at /)
  })

  it('truncated JSON: exit 1 naming the endpoint', async () => {
    api.fake().inject({method: 'GET', path: /\/users\/me$/, kind: 'truncated'})
    const res = await runCli(['users', 'me'], {env: api.env()})
    expect(res.code).to.equal(1)
    expect(res.stderr).to.contain('GET /v1/users/me').and.to.contain('not JSON')
  })

  it('JSON that breaks the contract: exit 1, unexpected answer; --debug shows the zod issue', async () => {
    const run = api.fake().runs[0]
    const broken = {organization_id: api.fake().orgId, status: 'COMPLETE'}
    api.fake().inject({method: 'GET', path: new RegExp(`/agent/run/${run.id}$`), status: 200, body: broken, times: 2})
    const res = await runCli(['get', String(run.id)], {env: api.env()})
    expect(res.code).to.equal(1)
    expect(res.stderr).to.contain('answered').and.to.contain('unexpectedly')
    const debug = await runCli(['get', String(run.id), '--debug'], {env: api.env()})
    expect(debug.stderr).to.match(/id: .*(expected number|Invalid input)/i)
  })

  it('an API slower than the timeout: exit 1 naming the timeout', async () => {
    api.fake().inject({method: 'GET', path: /\/organizations$/, kind: 'delay', delayMs: 2500, times: 10})
    const res = await runCli(['orgs'], {env: api.env({CODEGEN_API_TIMEOUT: '1'})})
    expect(res.code).to.equal(1)
    expect(res.stderr).to.contain('within 1 s (timeout)')
  })

  it('connection refused: exit 1 naming the base URL', async () => {
    const res = await runCli(['orgs'], {env: api.env({CODEGEN_API_BASE_URL: 'http://127.0.0.1:9'})})
    expect(res.code).to.equal(1)
    expect(res.stderr).to.contain('Could not reach the Codegen API at http://127.0.0.1:9')
  })
})
