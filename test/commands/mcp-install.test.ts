import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

// F-18: `mcp install` writes only its own entry, bakes values into its env only when asked, says what
// it wrote, and writes through a symlinked client config (F-67) without touching directory modes (F-66).

describe('mcp install: what it writes (F-18)', () => {
  const api = useFakeApi()
  const cursorFile = () => path.join(api.box().home, '.cursor', 'mcp.json')

  it('writes no env from the shell unless asked; --env bakes only what is named, and says so', async () => {
    const plain = await runCli(['mcp', 'install', '--client', 'cursor'], {env: api.env()})
    expect(plain.code, plain.stderr).to.equal(0)
    expect(plain.stdout).to.contain('with no env')
    expect(JSON.parse(fs.readFileSync(cursorFile(), 'utf8')).mcpServers.codegenapi).not.to.have.property('env')

    const org = await runCli(['mcp', 'install', '--client', 'cursor', '--env', 'CODEGEN_ORG_ID', '--json'], {env: api.env()})
    expect(org.code, org.stderr).to.equal(0)
    expect(parseJson(org).env).to.deep.equal(['CODEGEN_ORG_ID'])
    expect(JSON.parse(fs.readFileSync(cursorFile(), 'utf8')).mcpServers.codegenapi.env).to.deep.equal({
      CODEGEN_ORG_ID: String(api.fake().orgId),
    })

    const both = await runCli(['mcp', 'install', '--client', 'cursor', '--env', 'CODEGEN_ORG_ID', '--env', 'CODEGEN_API_BASE_URL'], {
      env: api.env(),
    })
    expect(both.stdout).to.contain('with CODEGEN_ORG_ID, CODEGEN_API_BASE_URL in its env')
    expect(JSON.parse(fs.readFileSync(cursorFile(), 'utf8')).mcpServers.codegenapi.env).to.deep.equal({
      CODEGEN_ORG_ID: String(api.fake().orgId),
      CODEGEN_API_BASE_URL: api.fake().url,
    })

    const bad = await runCli(['mcp', 'install', '--client', 'cursor', '--env', 'CODEGEN_API_TOKEN'], {env: api.env()})
    expect(bad.code).to.equal(2)
  })

  it('keeps every other entry and key of the file', async () => {
    fs.mkdirSync(path.dirname(cursorFile()), {recursive: true})
    const other = {command: 'other-server', env: {SECRET: 'theirs'}}
    fs.writeFileSync(cursorFile(), JSON.stringify({mcpServers: {other, codegenapi: {command: 'old'}}, editor: {fontSize: 13}}))
    expect((await runCli(['mcp', 'install', '--client', 'cursor'], {env: api.env()})).code).to.equal(0)
    const written = JSON.parse(fs.readFileSync(cursorFile(), 'utf8'))
    expect(written.editor).to.deep.equal({fontSize: 13})
    expect(written.mcpServers.other).to.deep.equal(other)
    expect(written.mcpServers.codegenapi.command).not.to.equal('old')
  })

  it('writes through a symlinked client config and leaves directory modes alone (F-66, F-67)', async () => {
    const home = api.box().home
    fs.chmodSync(home, 0o755)
    const target = path.join(home, 'dotfiles', 'cursor-mcp.json')
    fs.mkdirSync(path.dirname(target), {recursive: true})
    fs.writeFileSync(target, '{"mcpServers": {}}\n')
    fs.mkdirSync(path.dirname(cursorFile()), {recursive: true})
    fs.symlinkSync(target, cursorFile())
    const res = await runCli(['mcp', 'install', '--client', 'cursor'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(fs.lstatSync(cursorFile()).isSymbolicLink()).to.equal(true)
    expect(JSON.parse(fs.readFileSync(target, 'utf8')).mcpServers).to.have.property('codegenapi')
    expect(fs.statSync(home).mode & 0o777).to.equal(0o755)

    // claude-code writes ~/.claude.json, right in the home directory; --file in a shared sticky one.
    expect((await runCli(['mcp', 'install', '--client', 'claude-code'], {env: api.env()})).code).to.equal(0)
    expect(fs.statSync(home).mode & 0o777).to.equal(0o755)
    const shared = path.join(home, 'shared')
    fs.mkdirSync(shared)
    fs.chmodSync(shared, 0o1777)
    const file = path.join(shared, 'mcp.json')
    expect((await runCli(['mcp', 'install', '--client', 'cursor', '--file', file], {env: api.env()})).code).to.equal(0)
    expect(fs.statSync(shared).mode & 0o7777).to.equal(0o1777)
  })
})

describe('doctor --org-id (F-52)', () => {
  const api = useFakeApi()

  it('checks the organization given on the command line', async () => {
    const res = await runCli(['doctor', '--org-id', '57', '--json'], {env: api.env()})
    expect(res.code, res.stdout + res.stderr).to.equal(0)
    const checks = parseJson(res).checks as {name: string; detail: string}[]
    expect(checks.find((c) => c.name === 'Organization')?.detail).to.equal('57 (from flag)')
    expect(api.fake().requests.some((r) => r.path === '/v1/organizations/57/users')).to.equal(true)
    // A bad value is one more failed check, like every other problem doctor finds.
    const bad = await runCli(['doctor', '--org-id', 'x'], {env: api.env()})
    expect(bad.code).to.equal(1)
    expect(bad.stdout).to.contain('Invalid org-id from --org-id')
  })
})
