import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

// The rows of the fault table: what the network and the API do to us, and what we do about it.
describe('faults', () => {
  const api = useFakeApi({runDurationMs: 60_000})
  const creates = () => api.fake().requests.filter((r) => r.method === 'POST' && /\/agent\/run$/.test(r.path))
  const createdRuns = () => api.fake().runs.filter((r: any) => r.source_type === 'API' && r.metadata?.source === 'codegenapi')

  it('429 with Retry-After: 1 on a GET: waits, retries, succeeds', async () => {
    api.fake().inject({
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
    api.fake().inject({
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

  it('a reset after POST create was sent: no retry; the run is found by its client request id and recorded', async () => {
    api.fake().inject({method: 'POST', path: /\/agent\/run$/, kind: 'reset-after'})
    const res = await runCli(['new', '--query', 'maybe', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(creates()).to.have.length(1)
    expect(createdRuns()).to.have.length(1)
    const run = parseJson(res)
    expect(run.id).to.equal(createdRuns()[0].id)
    expect(run.metadata.client_request_id).to.equal(creates()[0].body.metadata.client_request_id)
    expect(res.stderr).to.contain(`created: ${run.id}`)
    const state = JSON.parse(fs.readFileSync(path.join(api.box().stateDir, 'runs.json'), 'utf8'))
    expect(JSON.stringify(state)).to.contain(`"id":${run.id}`)
  })

  it('a timeout after POST create was sent: no retry; the run is found and reported', async () => {
    api.fake().inject({method: 'POST', path: /\/agent\/run$/, kind: 'delay', delayMs: 3000})
    const res = await runCli(['new', '--query', 'slow'], {env: api.env({CODEGEN_API_TIMEOUT: '1'})})
    expect(res.code, res.stderr).to.equal(0)
    expect(creates()).to.have.length(1)
    expect(res.stdout).to.contain(`Created agent run ${createdRuns()[0].id}`)
    expect(res.stderr).to.contain(`created: ${createdRuns()[0].id}`)
  })

  // F-7: every answer that does not say what happened is an unknown outcome, never a plain failure.
  it('a 2xx whose body is cut off on create: the run exists, is found by its client request id and reported', async () => {
    api.fake().inject({method: 'POST', path: /\/agent\/run$/, kind: 'truncated'})
    const res = await runCli(['new', '--query', 'unknown outcome'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(creates()).to.have.length(1)
    expect(createdRuns()).to.have.length(1)
    expect(res.stderr).to.contain(`created: ${createdRuns()[0].id}`)
  })

  // The fake answers these without acting: no run exists, so it must say that one may, and how to check.
  for (const [what, fault] of [
    ['a 2xx whose body is not JSON', {status: 200, body: '<html>ok</html>'}],
    ['a 504 from a gateway', {status: 504, body: {message: 'Gateway Timeout'}}],
    ['a 502 HTML page', {status: 502, body: '<html><body>Bad gateway</body></html>'}],
  ] as const) {
    it(`${what} on create: "may have been created" with how to check, not a plain failure`, async () => {
      api.fake().inject({method: 'POST', path: /\/agent\/run$/, ...fault})
      const res = await runCli(['new', '--query', 'unknown outcome'], {env: api.env()})
      expect(res.code).to.equal(1)
      expect(creates()).to.have.length(1)
      expect(res.stderr).to.contain('may have been created').and.to.contain('codegenapi list --mine')
      expect(res.stderr).to.contain(creates()[0].body.metadata.client_request_id)
    })
  }

  it('an unknown create outcome with no run to be found: exit 1, may have been created, how to check', async () => {
    api.fake().inject({method: 'POST', path: /\/agent\/run$/, status: 504, body: '<html>Gateway Timeout</html>'})
    const res = await runCli(['new', '--query', 'x', '--json'], {env: api.env()})
    expect(res.code).to.equal(1)
    const {error} = parseJson(res)
    expect(error).to.include({code: 'maybe_created', exitCode: 1})
    expect(error.message).to.contain('HTTP 504').and.to.contain('may have been created')
    expect(error.hint).to.contain('codegenapi list --mine').and.to.contain(creates()[0].body.metadata.client_request_id)
    // It looked among the newest runs, a bounded number of pages.
    const lookups = api.fake().requests.filter((r) => r.method === 'GET' && r.path.endsWith('/agent/runs'))
    expect(lookups.length).to.be.within(1, 3)
  })

  // F-12: a resume whose outcome is unknown may have resumed the run; it never says "created".
  for (const fault of [{kind: 'reset-after'}, {kind: 'truncated'}, {status: 504, body: {message: 'Gateway Timeout'}}] as const) {
    it(`resume with ${JSON.stringify(fault)}: may have been resumed, check with get; not sent again`, async () => {
      const done = api.fake().runs.find((r) => r.status === 'COMPLETE')!
      api.fake().inject({method: 'POST', path: /\/resume$/, ...fault})
      const res = await runCli(['resume', String(done.id), '--query', 'more'], {env: api.env()})
      expect(res.code).to.equal(1)
      expect(res.stderr).to.contain('may have been resumed').and.to.contain(`codegenapi get ${done.id}`)
      expect(res.stderr).not.to.contain('created')
      expect(api.fake().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/resume'))).to.have.length(1)
    })
  }

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
