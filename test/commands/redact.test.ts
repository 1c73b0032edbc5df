import {expect} from 'chai'
import {CallToolResultSchema} from '@modelcontextprotocol/sdk/types.js'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'
import {createApp} from '../../src/mcp/server.js'
import {createTestIO} from '../helpers/in-process.js'
import {startMcp, textOf} from '../mcp/session.js'

// F-17: API text that holds the token (an error that echoes the Authorization header, a run result)
// is masked before it is printed or returned anywhere.

describe('token masking (F-17)', () => {
  const api = useFakeApi()
  const token = () => api.fake().token
  const mask = () => `****${token().slice(-4)}`
  /** The API answers /v1/users/me with a 401 that quotes the header it got. */
  const echo401 = () =>
    api.fake().inject({method: 'GET', path: '/v1/users/me', status: 401, body: {detail: `bad token Bearer ${token()}`}, times: 20})

  it('in errors: human, --json and --debug', async () => {
    echo401()
    const human = await runCli(['whoami'], {env: api.env()})
    expect(human.code).to.equal(3)
    expect(human.stderr).to.contain(`bad token Bearer ${mask()}`)
    const json = await runCli(['whoami', '--json'], {env: api.env()})
    expect(parseJson(json).error.message).to.contain(`Bearer ${mask()}`)
    const debug = await runCli(['whoami', '--debug'], {env: api.env()})
    expect(debug.stderr).to.contain('/v1/users/me')
    for (const res of [human, json, debug]) expect(res.stdout + res.stderr).not.to.contain(token())
  })

  it('in doctor and doctor --json', async () => {
    echo401()
    const human = await runCli(['doctor'], {env: api.env()})
    expect(human.code).to.equal(1)
    expect(human.stdout).to.contain(`✗ Token valid`).and.contain(mask())
    const json = await runCli(['doctor', '--json'], {env: api.env()})
    expect(JSON.stringify(parseJson(json).checks)).to.contain(mask())
    for (const res of [human, json]) expect(res.stdout + res.stderr).not.to.contain(token())
  })

  it('in a validation error detail (list --json)', async () => {
    api.fake().inject({
      method: 'GET',
      path: /\/agent\/runs$/,
      status: 422,
      body: {detail: [{loc: ['query', 'limit'], msg: `not allowed for ${token()}`, type: 'value_error'}]},
    })
    const res = await runCli(['list', '--json', '--debug'], {env: api.env()})
    expect(res.code).to.equal(1)
    expect(parseJson(res).error.message).to.contain(`not allowed for ${mask()}`)
    expect(res.stdout + res.stderr).not.to.contain(token())
  })

  it('in a run result shown by get', async () => {
    const run = api.fake().addRun({status: 'COMPLETE', result: `I found the key ${token()} in .env`})
    const res = await runCli(['get', String(run.id), '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson(res).result).to.equal(`I found the key ${mask()} in .env`)
    expect(res.stdout).not.to.contain(token())
  })

  it('in MCP results and the server log', async () => {
    echo401()
    const s = await startMcp(api.env())
    const result = await s.client.callTool({name: 'codegenapi_get_current_user', arguments: {}}, CallToolResultSchema)
    expect(result.isError).to.equal(true)
    expect(textOf(result)).to.contain(mask())
    expect(JSON.stringify(result)).not.to.contain(token())
    await s.close()
    expect(s.stdout() + s.stderr()).not.to.contain(token())
  })

  // What reaches the MCP log is masked by the server itself, whatever masked it before (the API client
  // masks answers as they arrive, so the test above cannot tell): on stderr and to every client.
  it('in every MCP log line, on stderr and to clients', async () => {
    const io = createTestIO({env: api.env(), cwd: api.box().home})
    const runtime = await createApp({io, version: '0.0.0-test'})
    const told: string[] = []
    runtime.app.onLog((_level, text) => told.push(text))
    runtime.app.log('warning', `the monitor read ${token()} somewhere`)
    await runtime.stop()
    expect(told).to.deep.equal([`the monitor read ${mask()} somewhere`])
    expect(io.output().stderr).to.contain(`the monitor read ${mask()} somewhere`)
    expect(io.output().stderr).not.to.contain(token())
  })
})
