import {expect} from 'chai'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'
import * as F from '../../src/output/json-fields.js'

describe('--json FIELDS and --jq', () => {
  const api = useFakeApi()

  it('takes one field after --json on commands with an argument (F-37)', async () => {
    const get = await runCli(['get', '7059', '--json', 'status'], {env: api.env()})
    expect(get.code, get.stderr).to.equal(0)
    expect(parseJson(get)).to.deep.equal({status: 'COMPLETE'})
    const me = parseJson(await runCli(['users', 'me', '--json', 'email'], {env: api.env()}))
    expect(Object.keys(me)).to.deep.equal(['email'])
    const logs = parseJson<unknown[]>(await runCli(['logs', '7059', '-l', '2', '--json', 'message_type'], {env: api.env()}))
    expect(logs).to.have.length(2)
    expect(Object.keys(logs[0] as object)).to.deep.equal(['message_type'])
  })

  it('refuses an unknown field with exit 2, listing the valid ones, before any request (F-38)', async () => {
    const res = await runCli(['list', '-l', '2', '--json', 'bogus,id'], {env: api.env()})
    expect(res.code).to.equal(2)
    const {error} = parseJson(res)
    expect(error.message).to.contain('"bogus"')
    expect(error.hint).to.contain('github_pull_requests')
    expect(api.fake().requests).to.deep.equal([])
    const text = await runCli(['get', '7059', '--json=statuss'], {env: api.env()})
    expect(text.code).to.equal(2)
  })

  it('--help lists the fields of --json and offers --jq', async () => {
    const res = await runCli(['get', '--help'], {env: api.env()})
    expect(res.stdout).to.contain('--jq').and.to.contain('github_pull_requests')
    const users = await runCli(['users', '-h'], {env: api.env()})
    expect(users.stdout).to.contain('github_username')
  })

  it('--jq filters the JSON with jq, strings without quotes (issue 13)', async () => {
    const res = await runCli(['list', '-l', '3', '--json', '--jq', '.[] | select(.status == "COMPLETE") | .id'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout).to.equal('7059\n')
    const status = await runCli(['get', '7059', '--json', '--jq', '.status'], {env: api.env()})
    expect(status.stdout).to.equal('COMPLETE\n')
    const bad = await runCli(['get', '7059', '--json', '--jq', '.status |||'], {env: api.env()})
    expect(bad.code).to.equal(2)
    expect(bad.stdout).to.contain('syntax error')
  })

  it('every key a command prints under --json is one it declares', async () => {
    const cases: [string[], readonly string[]][] = [
      [['list', '-l', '5', '--json'], F.RUN_FIELDS],
      [['get', '7059', '--json'], F.RUN_FIELDS],
      [['users', '-l', '3', '--json'], F.USER_FIELDS],
      [['repos', '-l', '3', '--json'], F.REPO_FIELDS],
      [['orgs', '--json'], F.ORG_FIELDS],
      [['logs', '7059', '-l', '3', '--json'], F.LOG_FIELDS],
      [['config', 'list', '--json'], F.CONFIG_FIELDS],
    ]
    for (const [args, fields] of cases) {
      const out = parseJson(await runCli(args, {env: api.env()}))
      for (const item of [out].flat() as object[]) expect(fields, args.join(' ')).to.include.members(Object.keys(item))
    }
  })
})
