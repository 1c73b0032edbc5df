import {expect} from 'chai'
import {execFile} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {promisify} from 'node:util'
import {BIN, parseJson, runCli, runOnTty} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

describe('feedback a person needs', () => {
  const api = useFakeApi()

  it('a Retry-After wait over 2 s is one line on stderr, and --debug says why each retry happened (F-36)', async () => {
    api.fake().inject({method: 'GET', path: /\/agent\/run\/7059$/, status: 429, headers: {'retry-after': '3'}})
    const res = await runCli(['get', '7059', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stderr).to.equal('rate limited by the API: retrying in 3 s\n')
    expect(parseJson(res).id).to.equal(7059)

    api.fake().inject({method: 'GET', path: /\/agent\/run\/7059$/, status: 503, times: 2})
    const debug = await runCli(['get', '7059', '--json', '--debug'], {env: api.env()})
    expect(debug.code, debug.stderr).to.equal(0)
    const reasons = debug.stderr.split('\n').filter((l) => l.includes('retry:'))
    expect(reasons).to.have.length(2)
    expect(reasons[0]).to.match(/attempt 2 of GET \S+\/agent\/run\/7059 in \d+ ms, because of HTTP 503/)
    // Short waits stay quiet without --debug.
    api.fake().inject({method: 'GET', path: /\/agent\/run\/7059$/, status: 503})
    const quiet = await runCli(['get', '7059', '--json'], {env: api.env()})
    expect(quiet.stderr).to.equal('')
  })

  it('a wait notice during the --wait spinner is a line of its own above it, not glued to it (F-36)', async () => {
    api.fake().inject({method: 'GET', path: /\/agent\/run\/7060$/, status: 503, headers: {'retry-after': '3'}})
    const res = await runOnTty(['get', '7060', '--wait', '--timeout', '10s'], {
      env: api.env(),
      steps: [['retrying in 3 s', '\u0003']],
    })
    expect(res.unanswered, res.output).to.deep.equal([])
    // The spinner's line is erased (ESC[0K) just before the notice, which ends its own line.
    expect(res.output).to.match(/\u001b\[0Kthe API is unavailable \(HTTP 503\): retrying in 3 s\r?\n/)
  })

  it('users and repos say on stderr when more rows exist (F-51)', async () => {
    const users = await runCli(['users', '-l', '2'], {env: api.env()})
    expect(users.code).to.equal(0)
    expect(users.stdout.trim().split('\n')).to.have.length(3)
    expect(users.stderr).to.equal('2 users shown; there are more: --limit 100 for more.\n')
    const repos = await runCli(['repos', '-l', '50'], {env: api.env()})
    expect(repos.stderr).to.contain('50 repositories shown; there are more: --limit 100')
    const all = await runCli(['repos', '-l', '500'], {env: api.env()})
    expect(all.stderr).to.equal('')
    const json = await runCli(['users', '-l', '2', '--json'], {env: api.env()})
    expect(parseJson<unknown[]>(json)).to.have.length(2)
    expect(json.stderr).to.equal('')
  })

  it('a missing or rejected token points to `codegenapi login` (F-53)', async () => {
    const wrong = await runCli(['whoami'], {env: api.env({CODEGEN_API_TOKEN: 'wrong-token-value-xyz'})})
    expect(wrong.code).to.equal(3)
    expect(wrong.stderr).to.contain('Hint: The token was rejected: log in again with `codegenapi login`')
    const none = await runCli(['whoami'], {env: api.env({CODEGEN_API_TOKEN: undefined})})
    expect(none.code).to.equal(3)
    expect(none.stderr).to.contain('Hint: Run `codegenapi login`')
    const noOrg = await runCli(['list'], {env: api.env({CODEGEN_ORG_ID: undefined})})
    expect(noOrg.stderr).to.contain('Run `codegenapi login` to pick your organization')
  })

  it('DEBUG turns on request logging and error detail together, by one rule (F-56)', async () => {
    const fault = () => api.fake().inject({method: 'GET', path: /\/agent\/run\/7059$/, kind: 'truncated', times: 5})
    fault()
    const star = await runCli(['get', '7059', '--json'], {env: api.env({DEBUG: '*'})})
    expect(star.stderr).to.match(/^\[codegenapi\] --> GET/m)
    expect(parseJson(star).error.detail).to.be.a('string')
    fault()
    const other = await runCli(['get', '7059', '--json'], {env: api.env({DEBUG: 'notcodegenapi'})})
    expect(other.stderr).not.to.contain('[codegenapi]')
    expect(parseJson(other).error).not.to.have.property('detail')
    fault()
    const ns = await runCli(['get', '7059', '--json'], {env: api.env({DEBUG: 'express,codegenapi:*'})})
    expect(ns.stderr).to.match(/^\[codegenapi\] --> GET/m)
    expect(parseJson(ns).error.detail).to.be.a('string')
  })

  it('the completion set-up as printed works in a fresh home, building its cache on first use (F-57)', async () => {
    const home = api.box().home
    const bin = path.join(home, 'bin')
    fs.mkdirSync(bin)
    fs.writeFileSync(path.join(bin, 'codegenapi'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, {mode: 0o755})
    const env = {...api.env(), PATH: `${bin}:${process.env.PATH}`}
    // Exactly the step `codegenapi autocomplete` prints, then a new shell.
    const script = 'printf "$(codegenapi autocomplete script bash)" >> ~/.bashrc && bash -c "source ~/.bashrc; complete -p codegenapi"'
    const {stdout} = await promisify(execFile)('bash', ['-c', script], {env, cwd: home, timeout: 20_000})
    expect(stdout).to.contain('complete -F _codegenapi_autocomplete codegenapi')
  })
})
