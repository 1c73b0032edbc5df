import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {Sandbox, parseJson, runCli} from '../helpers/cli.js'

const TOKEN = 'cfg-secret-token-0123456789abcdef'

describe('config', () => {
  let box: Sandbox
  beforeEach(() => (box = new Sandbox()))
  afterEach(() => box.remove())

  it('sets the token from stdin, writes the file 0600 in a 0700 dir, and never prints the token', async () => {
    const res = await runCli(['config', 'set', 'api-token'], {env: box.env(), input: `${TOKEN}\n`})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout + res.stderr).not.to.contain(TOKEN)
    expect(res.stdout).to.contain('****cdef')
    const stored = JSON.parse(fs.readFileSync(box.configFile, 'utf8'))
    expect(stored['api-token']).to.equal(TOKEN)
    expect(fs.statSync(box.configFile).mode & 0o777).to.equal(0o600)
    expect(fs.statSync(box.configDir).mode & 0o777).to.equal(0o700)
    // No temporary file left behind by the atomic write.
    expect(fs.readdirSync(box.configDir)).to.deep.equal(['config.json'])
  })

  it('accepts the aliases api_token and token, org_id', async () => {
    expect((await runCli(['config', 'set', 'token'], {env: box.env(), input: TOKEN})).code).to.equal(0)
    expect((await runCli(['config', 'set', 'org_id', '42'], {env: box.env()})).code).to.equal(0)
    const stored = JSON.parse(fs.readFileSync(box.configFile, 'utf8'))
    expect(stored).to.deep.equal({'api-token': TOKEN, 'org-id': 42})
    const got = parseJson(await runCli(['config', 'get', 'api_token', '--json'], {env: box.env()}))
    expect(got).to.include({key: 'api-token', value: '****cdef', set: true, source: 'user'})
  })

  it('lists every key with source, the token masked, env beating the file', async () => {
    await runCli(['config', 'set', 'api-token'], {env: box.env(), input: TOKEN})
    await runCli(['config', 'set', 'org-id', '42'], {env: box.env()})
    const res = await runCli(['config', 'list', '--json'], {env: box.env({CODEGEN_ORG_ID: '7'})})
    expect(res.code).to.equal(0)
    expect(res.stdout).not.to.contain(TOKEN)
    const entries = parseJson<{key: string; value: unknown; source: string}[]>(res)
    const byKey = Object.fromEntries(entries.map((e) => [e.key, e]))
    expect(byKey['api-token']).to.include({value: '****cdef', source: 'user'})
    expect(byKey['org-id']).to.include({value: 7, source: 'env'})
    expect(byKey['base-url']).to.include({value: 'https://api.codegen.com', source: 'default'})
    const human = await runCli(['config', 'list'], {env: box.env()})
    expect(human.stdout).to.match(/org-id\s+42\s+user/)
    expect(human.stdout).not.to.contain(TOKEN)
  })

  it('refuses a bad value with exit 2 and leaves the file as it was', async () => {
    await runCli(['config', 'set', 'org-id', '42'], {env: box.env()})
    const before = fs.readFileSync(box.configFile, 'utf8')
    const bad = await runCli(['config', 'set', 'org-id', 'abc'], {env: box.env()})
    expect(bad.code).to.equal(2)
    expect(bad.stderr).to.contain('org-id must be a positive integer')
    const url = await runCli(['config', 'set', 'base-url', 'ftp://example.com'], {env: box.env()})
    expect(url.code).to.equal(2)
    expect(url.stderr).to.contain('http(s) URL')
    const key = await runCli(['config', 'set', 'colour', 'blue'], {env: box.env()})
    expect(key.code).to.equal(2)
    expect(key.stderr).to.contain('Unknown config key').and.to.contain('api-token, org-id, base-url')
    expect(fs.readFileSync(box.configFile, 'utf8')).to.equal(before)
  })

  it('unsets a key, and path prints the file', async () => {
    await runCli(['config', 'set', 'org-id', '42'], {env: box.env()})
    const res = await runCli(['config', 'unset', 'org-id', '--json'], {env: box.env()})
    expect(parseJson(res)).to.deep.equal({key: 'org-id', removed: true})
    expect(JSON.parse(fs.readFileSync(box.configFile, 'utf8'))).to.deep.equal({})
    const p = await runCli(['config', 'path'], {env: box.env()})
    expect(p.stdout.trim()).to.equal(box.configFile)
  })

  it('ignores a token in a project rc file with a warning, and takes its org-id', async () => {
    const project = path.join(box.home, 'work', 'repo')
    fs.mkdirSync(path.join(project, '.git'), {recursive: true})
    fs.writeFileSync(
      path.join(project, '.codegenapirc.json'),
      JSON.stringify({'api-token': 'project-token-should-not-be-used', 'org-id': 77}),
    )
    const sub = path.join(project, 'src')
    fs.mkdirSync(sub)
    const res = await runCli(['config', 'list', '--json'], {env: box.env(), cwd: sub})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stderr).to.contain('Ignoring the API token')
    const entries = parseJson<{key: string; value: unknown; source: string; set: boolean}[]>(res)
    expect(entries.find((e) => e.key === 'org-id')).to.include({value: 77, source: 'project'})
    expect(entries.find((e) => e.key === 'api-token')).to.include({set: false})
  })

  it('never executes a JavaScript project config', async () => {
    const project = path.join(box.home, 'proj')
    fs.mkdirSync(path.join(project, '.git'), {recursive: true})
    const marker = path.join(box.home, 'executed')
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({cosmiconfig: {searchPlaces: ['evil.mjs']}}))
    fs.writeFileSync(
      path.join(project, 'evil.mjs'),
      `import fs from 'node:fs'; fs.writeFileSync(${JSON.stringify(marker)}, 'x'); export default {'org-id': 5}`,
    )
    const res = await runCli(['config', 'list', '--json'], {env: box.env(), cwd: project})
    expect(res.code, res.stderr).to.equal(0)
    expect(fs.existsSync(marker)).to.equal(false)
  })

  it('names a corrupt config file', async () => {
    fs.mkdirSync(box.configDir, {recursive: true})
    fs.writeFileSync(box.configFile, '{"org-id": 4')
    const res = await runCli(['config', 'list'], {env: box.env()})
    expect(res.code).to.equal(1)
    expect(res.stderr).to.contain(box.configFile).and.to.contain('not valid JSON')
  })

  it('two processes writing at the same time: every write is whole, no torn file, no temp file left', async () => {
    await runCli(['config', 'set', 'api-token'], {env: box.env(), input: TOKEN})
    const writers = Array.from({length: 8}, (_, i) => runCli(['config', 'set', 'org-id', String(100 + i)], {env: box.env()}))
    const results = await Promise.all(writers)
    expect(results.map((r) => r.code)).to.deep.equal(Array(8).fill(0))
    const stored = JSON.parse(fs.readFileSync(box.configFile, 'utf8'))
    expect(stored['org-id']).to.be.within(100, 107)
    expect(fs.readdirSync(box.configDir)).to.deep.equal(['config.json'])
    expect(fs.statSync(box.configFile).mode & 0o777).to.equal(0o600)
  })
})
