import {expect} from 'chai'
import {CallToolResultSchema} from '@modelcontextprotocol/sdk/types.js'
import fs from 'node:fs'
import path from 'node:path'
import {BIN, parseJson, ROOT, runBin} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'
import {spawnTracked, stop} from '../helpers/processes.js'
import {startMcp} from '../mcp/session.js'
import {sandboxStateFile} from '../../src/sandbox/mode.js'
import {readJournal} from '../../src/sandbox/store.js'

// The built binary in sandbox mode, and `codegenapi sandbox` serving. As in mode.test.ts, the suite's
// fake API is the user's REAL API: its token is in the environment, another real token in the config
// file; neither may be sent, and the real API must receive nothing.

const CONFIG_TOKEN = 'cfg-secret-token-0123456789abcdef'

describe('sandbox from the binary', function () {
  const api = useFakeApi()
  let configText: string

  before(function () {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.cjs'))) throw new Error('Build first: npm run build')
  })
  beforeEach(() => {
    fs.mkdirSync(api.box().configDir, {recursive: true})
    configText = JSON.stringify({'api-token': CONFIG_TOKEN, 'base-url': api.fake().url, 'org-id': 57})
    fs.writeFileSync(api.box().configFile, configText)
  })

  const env = (extra: Record<string, string | undefined> = {}) => api.env({CODEGENAPI_SANDBOX_RUN_MS: '300', ...extra})
  const stateFile = () => sandboxStateFile(env())

  function nothingLeaked(): void {
    expect(api.fake().requests, 'requests to the real API').to.deep.equal([])
    const journal = readJournal(stateFile())
    expect(journal.length).to.be.greaterThan(0)
    expect(new Set(journal.map((j) => j.token))).to.deep.equal(new Set(['sandbox']))
    expect(fs.readFileSync(stateFile(), 'utf8')).to.not.contain(CONFIG_TOKEN).and.not.contain(api.fake().token)
    expect(fs.existsSync(path.join(api.box().stateDir, 'runs.json')), 'the real runs.json').to.equal(false)
    expect(fs.readFileSync(api.box().configFile, 'utf8')).to.equal(configText)
  }

  it('--sandbox new, then get --wait and logs in other processes, with real tokens configured that are never sent', async () => {
    const created = await runBin(['--sandbox', 'new', '--query', 'Add a health check endpoint', '--json'], {env: env()})
    expect(created.code, created.stderr).to.equal(0)
    const {id} = parseJson<{id: number}>(created)
    const done = await runBin(['--sandbox', 'get', String(id), '--wait', '--json'], {env: env()})
    expect(done.code, done.stderr).to.equal(0)
    expect(parseJson(done)).to.include({id, status: 'COMPLETE'})
    const logs = await runBin(['logs', String(id), '--follow'], {env: env({CODEGEN_API_BASE_URL: 'sandbox'})})
    expect(logs.code, logs.stderr).to.equal(0)
    expect(logs.stdout).to.contain('Add a health check endpoint')
    nothingLeaked()
  })

  it('`codegenapi sandbox` serves until Ctrl-C; a CLI given the environment it prints works against it', async () => {
    const server = spawnTracked(process.execPath, [BIN, 'sandbox', '--port', '0'], {env: env(), stdio: ['ignore', 'pipe', 'pipe']})
    try {
      let out = ''
      server.stdout.setEncoding('utf8')
      const printed = await new Promise<string>((resolve, reject) => {
        server.stdout.on('data', (d: string) => {
          out += d
          if (out.includes('Ctrl-C')) resolve(out)
        })
        server.once('exit', (code) => reject(new Error(`sandbox exited ${code}: ${out}`)))
      })
      // The env lines as printed, as a user would paste them.
      const lines = Object.fromEntries([...printed.matchAll(/^ {2}export (\w+)=(\S+)/gm)].map((m) => [m[1], m[2]]))
      expect(Object.keys(lines)).to.deep.equal(['CODEGEN_API_BASE_URL', 'CODEGEN_API_TOKEN', 'CODEGEN_ORG_ID', 'CODEGENAPI_STATE_DIR'])
      expect(lines.CODEGEN_API_BASE_URL).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(printed).to.not.contain(CONFIG_TOKEN).and.not.contain(api.fake().token)

      const res = await runBin(['new', '--query', 'Try the sandbox', '--wait', '--json'], {env: api.box().env(lines)})
      expect(res.code, res.stderr).to.equal(0)
      expect(parseJson(res)).to.include({status: 'COMPLETE'})
      expect(fs.existsSync(path.join(api.box().stateDir, 'runs.json')), 'the real runs.json').to.equal(false)

      const gone = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)))
      server.kill('SIGINT')
      expect(await gone).to.equal(0)
      nothingLeaked()
    } finally {
      await stop(server)
    }
  })

  it('--sandbox mcp serve: lists the tools and starts a run, with the sandbox token only', async () => {
    const session = await startMcp(env(), ['--sandbox'], {spawn: true})
    try {
      const {tools} = await session.client.listTools()
      expect(tools.map((t) => t.name)).to.include('codegenapi_new')
      const result = await session.client.callTool({name: 'codegenapi_new', arguments: {query: 'Add a README badge'}}, CallToolResultSchema)
      expect(result.isError, JSON.stringify(result)).to.not.equal(true)
      expect(JSON.stringify(result.structuredContent ?? result.content)).to.match(/"id":\s*70\d\d/)
    } finally {
      await session.close()
    }
    expect(readJournal(stateFile()).filter((j) => j.method === 'POST')).to.have.length(1)
    nothingLeaked()
  })

  it('a normal command does not evaluate the sandbox code', async () => {
    const probe = [
      "const l = require('./bin/load-cli.cjs')",
      "l.runOnce(l.loadBundle().exports, ['config', 'get', 'org-id', '--json']).then(() => {",
      "  process.stderr.write(String(globalThis[Symbol.for('codegenapi.sandbox.local')] === undefined))",
      '})',
    ].join('\n')
    const loaded = (args: string) => {
      const child = spawnTracked(process.execPath, ['-e', probe.replace("'config', 'get', 'org-id', '--json'", args)], {
        cwd: ROOT,
        env: env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let err = ''
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
      return new Promise<string>((resolve) => child.once('close', () => resolve(err)))
    }
    expect(await loaded("'config', 'get', 'org-id', '--json'")).to.equal('true')
    // The probe tells them apart: a sandbox run does load it.
    expect(await loaded("'--sandbox', 'whoami', '--json'")).to.equal('false')
  })
})
