import {expect} from 'chai'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

describe('integrations', () => {
  const api = useFakeApi()

  it('lists the integrations, active first, with the OAuth providers connected', async () => {
    const res = await runCli(['integrations'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout).to.contain('Acme Robotics (42): 3 active integrations')
    expect(res.stdout).to.contain('OAuth tokens connected for you: github, slack, linear')
    const lines = res.stdout.split('\n')
    const row = (name: string) => lines.findIndex((l) => l.startsWith(`${name} `))
    expect(row('github')).to.be.lessThan(row('circleci'))
    expect(lines[row('slack')]).to.match(/slack\s+yes\s+771/)
    expect(api.fake().requests.find((r) => r.path === '/v1/oauth/tokens/status')!.query).to.deep.equal({org_id: '42'})
  })

  it("--json: the API's object plus oauth.connected", async () => {
    const res = await runCli(['integrations', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    const out = parseJson(res)
    expect(out).to.include({organization_id: 42, total_active_integrations: 3})
    expect(out.oauth.connected).to.deep.equal(['github', 'slack', 'linear'])
  })

  it('reads other shapes of the unspecified OAuth answer, and shows one it cannot read as it is', async () => {
    api.fake().inject({
      path: '/v1/oauth/tokens/status',
      body: {
        providers: [
          {provider: 'notion', active: true},
          {provider: 'jira', active: false},
        ],
      },
    })
    const a = parseJson(await runCli(['integrations', '--json'], {env: api.env()}))
    expect(a.oauth.connected).to.deep.equal(['notion'])
    api.fake().inject({path: '/v1/oauth/tokens/status', body: {figma: true, sentry: false}})
    const b = parseJson(await runCli(['integrations', '--json'], {env: api.env()}))
    expect(b.oauth.connected).to.deep.equal(['figma'])
    api.fake().inject({path: '/v1/oauth/tokens/status', body: {status: 'weird'}})
    const c = await runCli(['integrations'], {env: api.env()})
    expect(c.code, c.stderr).to.equal(0)
    expect(c.stdout).to.contain(`OAuth tokens: the API's answer is not a list of providers: {"status":"weird"}`)
  })

  it('--json FIELDS keeps those fields; an unknown one is exit 2 before any request', async () => {
    const res = await runCli(['integrations', '--json', 'oauth,total_active_integrations'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(Object.keys(parseJson(res))).to.deep.equal(['oauth', 'total_active_integrations'])
    const bad = await runCli(['integrations', '--json', 'nope'], {env: api.env()})
    expect(bad.code).to.equal(2)
    expect(parseJson(bad).error.message).to.contain('Unknown JSON field: "nope"')
    expect(api.fake().requests).to.have.length(2)
  })

  it('a 403 on either request is exit 3', async () => {
    api.fake().inject({path: '/v1/organizations/42/integrations', status: 403})
    const res = await runCli(['integrations'], {env: api.env()})
    expect(res.code).to.equal(3)
  })
})
