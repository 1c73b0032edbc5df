import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {parseJson, runCli, runOnTty} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

describe('login, logout, whoami', () => {
  const api = useFakeApi()
  // Credentials only from what login saves: nothing in the environment.
  const bare = () => api.env({CODEGEN_API_TOKEN: undefined, CODEGEN_ORG_ID: undefined})

  it('login --with-token checks the token, picks the only org when asked for it, and saves both', async () => {
    const res = await runCli(['login', '--with-token', '--org-id', String(api.fake().orgId)], {env: bare(), input: `${api.fake().token}\n`})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout)
      .to.match(/Logged in as \S+/)
      .and.to.contain(`(${api.fake().orgId})`)
    const stored = JSON.parse(fs.readFileSync(api.box().configFile, 'utf8'))
    expect(stored).to.deep.equal({'api-token': api.fake().token, 'org-id': api.fake().orgId})
    expect(fs.statSync(api.box().configFile).mode & 0o777).to.equal(0o600)
    expect(api.fake().requests.map((r) => r.path)).to.include('/v1/users/me')
    const who = parseJson(await runCli(['whoami', '--json'], {env: bare()}))
    expect(who.id).to.equal(api.fake().userId)
  })

  it('login with several orgs and no terminal asks for --org-id, saving nothing', async () => {
    const orgs = parseJson<any[]>(await runCli(['orgs', '--json'], {env: api.env()}))
    expect(orgs.length, 'the fake user belongs to two orgs').to.equal(2)
    const res = await runCli(['login', '--with-token'], {env: bare(), input: api.fake().token})
    expect(res.code).to.equal(2)
    expect(res.stderr).to.contain('--org-id').and.to.contain(String(orgs[1].id))
    expect(fs.existsSync(api.box().configFile)).to.equal(false)
  })

  it('login --org-id refuses an org the user does not belong to', async () => {
    const res = await runCli(['login', '--with-token', '--org-id', '999'], {env: bare(), input: api.fake().token})
    expect(res.code).to.equal(2)
    expect(res.stderr).to.contain('Organization 999 is not one of yours')
    expect(fs.existsSync(api.box().configFile)).to.equal(false)
  })

  it('login on a terminal asks for the token with hidden input, then for the organization', async () => {
    const token = api.fake().token
    const res = await runOnTty(['login'], {
      env: bare(),
      steps: [
        ['Paste your Codegen API token', `${token}\r`],
        ['Organization [1-2]', '1\r'],
      ],
    })
    expect(res.unanswered, res.output).to.deep.equal([])
    expect(res.code, res.output).to.equal(0)
    expect(res.output).not.to.contain(token) // typed, but never echoed
    expect(res.output).to.contain('Logged in as ada-dev')
    const stored = JSON.parse(fs.readFileSync(api.box().configFile, 'utf8'))
    expect(stored).to.deep.equal({'api-token': token, 'org-id': api.fake().orgId})
  })

  it('login with a bad token saves nothing and exits 3', async () => {
    const res = await runCli(['login', '--with-token'], {env: bare(), input: 'not-the-right-token-123'})
    expect(res.code).to.equal(3)
    expect(res.stderr).to.contain('rejected this token')
    expect(fs.existsSync(api.box().configFile)).to.equal(false)
  })

  it('logout removes the token and keeps the org', async () => {
    await runCli(['login', '--with-token', '--org-id', String(api.fake().orgId)], {env: bare(), input: api.fake().token})
    const res = await runCli(['logout'], {env: bare()})
    expect(res.code).to.equal(0)
    expect(JSON.parse(fs.readFileSync(api.box().configFile, 'utf8'))).to.deep.equal({'org-id': api.fake().orgId})
    const after = await runCli(['whoami'], {env: bare()})
    expect(after.code).to.equal(3)
  })
})

describe('doctor', () => {
  const api = useFakeApi()

  it('passes every check with a good set-up (exit 0)', async () => {
    const res = await runCli(['doctor', '--json'], {env: api.env()})
    expect(res.code, res.stdout).to.equal(0)
    const report = parseJson(res)
    expect(report.ok).to.equal(true)
    expect(report.checks.map((c: any) => c.name)).to.include.members([
      'Node.js',
      'API token',
      'Organization',
      'API',
      'Token valid',
      'Organization access',
      'State file',
    ])
  })

  it('fails with a fix for each problem (exit 1)', async () => {
    fs.mkdirSync(api.box().configDir, {recursive: true})
    fs.writeFileSync(api.box().configFile, '{}')
    fs.chmodSync(api.box().configFile, 0o644)
    const res = await runCli(['doctor'], {env: api.env({CODEGEN_API_TOKEN: 'bad-token-for-doctor-1234'})})
    expect(res.code).to.equal(1)
    expect(res.stdout)
      .to.match(/✗ Config file .*mode 644/)
      .and.to.contain('chmod 600')
    expect(res.stdout)
      .to.match(/✗ Token valid/)
      .and.to.contain('codegenapi login')
    expect(res.stdout).to.match(/✓ Node\.js/)
    expect(res.stdout).not.to.contain('bad-token-for-doctor-1234')
  })
})

describe('open, --json fields, --wide', () => {
  const api = useFakeApi()

  it('open prints the web URL where no browser can be opened', async () => {
    const run = api.fake().runs.find((r: any) => r.web_url)!
    const res = await runCli(['open', String(run.id)], {env: api.env({CI: '1'})})
    expect(res.code).to.equal(0)
    expect(res.stdout.trim()).to.equal(run.web_url)
  })

  it('on a terminal that supports them, PR and web links are clickable (OSC 8), and colour follows NO_COLOR', async () => {
    const run = api.fake().runs.find((r: any) => r.github_pull_requests?.length && r.web_url)!
    const tty = await runOnTty(['get', String(run.id)], {env: api.env({FORCE_HYPERLINK: '1', NO_COLOR: undefined}), steps: []})
    expect(tty.code).to.equal(0)
    expect(tty.output).to.contain(`\u001b]8;;${run.web_url}\u001b\\`)
    expect(tty.output).to.match(/\u001b\[3\dm/) // coloured status
    const plain = await runOnTty(['get', String(run.id)], {env: api.env({NO_COLOR: '1'}), steps: []})
    expect(plain.output).not.to.match(/\u001b\[3\dm/)
    expect(plain.output).not.to.contain('\u001b]8;;')
  })

  it('--json id,status keeps only those fields, for lists and single objects', async () => {
    const list = parseJson<any[]>(await runCli(['list', '--limit', '3', '--json', 'id,status,web_url'], {env: api.env()}))
    expect(list).to.have.length(3)
    for (const r of list) expect(Object.keys(r)).to.deep.equal(['id', 'status', 'web_url'])
    const one = parseJson(await runCli(['get', String(list[0].id), '--json=id,status'], {env: api.env()}))
    expect(one).to.deep.equal({id: list[0].id, status: list[0].status})
  })

  it('cuts long summaries to the terminal width only on a terminal; --wide never', async () => {
    const long = 'x'.repeat(400)
    api.fake().addRun({status: 'COMPLETE', summary: long})
    const piped = await runCli(['list', '--limit', '1'], {env: api.env()})
    expect(piped.stdout).to.contain(long)
    const wide = await runCli(['list', '--limit', '1', '--wide'], {env: api.env()})
    expect(wide.stdout).to.contain(long)
  })
})

describe('mcp install', () => {
  const api = useFakeApi()

  it('merges the entry into an existing Claude Desktop config, keeping a backup and other servers', async () => {
    const file = path.join(api.box().home, '.config', 'Claude', 'claude_desktop_config.json')
    fs.mkdirSync(path.dirname(file), {recursive: true})
    fs.writeFileSync(file, JSON.stringify({mcpServers: {other: {command: 'x'}}, theme: 'dark'}))
    const res = await runCli(['mcp', 'install', '--client', 'claude-desktop', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    const result = parseJson(res)
    expect(result.file).to.equal(file)
    const written = JSON.parse(fs.readFileSync(file, 'utf8'))
    expect(written.theme).to.equal('dark')
    expect(written.mcpServers.other).to.deep.equal({command: 'x'})
    expect(written.mcpServers.codegenapi.args.slice(-2)).to.deep.equal(['mcp', 'serve'])
    // Nothing from the shell is baked in unless asked (F-18): the server reads the user config.
    expect(written.mcpServers.codegenapi).not.to.have.property('env')
    expect(JSON.stringify(written)).not.to.contain(api.fake().token)
    expect(JSON.parse(fs.readFileSync(result.backup, 'utf8')).theme).to.equal('dark')
  })

  it('--dry-run writes nothing; --with-token writes the token but never prints it', async () => {
    const dry = await runCli(['mcp', 'install', '--client', 'cursor', '--dry-run'], {env: api.env()})
    expect(dry.code).to.equal(0)
    expect(dry.stdout).to.contain('Would add to').and.to.contain(path.join('.cursor', 'mcp.json'))
    expect(fs.existsSync(path.join(api.box().home, '.cursor', 'mcp.json'))).to.equal(false)
    const withToken = await runCli(['mcp', 'install', '--client', 'vscode', '--with-token'], {env: api.env()})
    expect(withToken.code, withToken.stderr).to.equal(0)
    const file = path.join(api.box().home, '.config', 'Code', 'User', 'mcp.json')
    const written = JSON.parse(fs.readFileSync(file, 'utf8'))
    expect(written.servers.codegenapi).to.include({type: 'stdio'})
    expect(written.servers.codegenapi.env.CODEGEN_API_TOKEN).to.equal(api.fake().token)
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600)
    expect(withToken.stdout + withToken.stderr).not.to.contain(api.fake().token)
  })

  it('refuses a config file it cannot parse, changing nothing', async () => {
    const file = path.join(api.box().home, '.cursor', 'mcp.json')
    fs.mkdirSync(path.dirname(file), {recursive: true})
    fs.writeFileSync(file, '{ // comment\n}')
    const res = await runCli(['mcp', 'install', '--client', 'cursor'], {env: api.env()})
    expect(res.code).to.equal(1)
    expect(res.stderr).to.contain('not plain JSON')
    expect(fs.readFileSync(file, 'utf8')).to.equal('{ // comment\n}')
  })
})
