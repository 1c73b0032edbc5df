import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'
import {closeLocalSandboxes, localSandbox} from '../../src/sandbox/local.js'
import {SANDBOX_TOKEN, sandboxEnv, sandboxStateFile, takeSandboxFlag} from '../../src/sandbox/mode.js'
import {readJournal} from '../../src/sandbox/store.js'

// Sandbox mode in-process: `--sandbox COMMAND` and CODEGEN_API_BASE_URL=sandbox. The suite's fake API
// plays the user's REAL API here: its token is in the environment and another real token is in the
// config file, and neither may ever be sent anywhere; nothing may reach the real API at all.

const CONFIG_TOKEN = 'cfg-secret-token-0123456789abcdef'
const SEEDED_MAX_ID = 7060

describe('sandbox mode: --sandbox and CODEGEN_API_BASE_URL=sandbox', () => {
  const api = useFakeApi()
  let configText: string

  beforeEach(() => {
    // The user's own config: a real token, the real API's origin, an organization.
    fs.mkdirSync(api.box().configDir, {recursive: true})
    configText = JSON.stringify({'api-token': CONFIG_TOKEN, 'base-url': api.fake().url, 'org-id': 57})
    fs.writeFileSync(api.box().configFile, configText)
  })
  afterEach(async () => {
    // The next invocation is another process: it starts a sandbox of its own, from the saved state.
    await closeLocalSandboxes()
  })

  // Runs finish in 300 ms here, not 6 s.
  const env = (extra: Record<string, string | undefined> = {}) => api.env({CODEGENAPI_SANDBOX_RUN_MS: '300', ...extra})
  const stateFile = () => sandboxStateFile(env())
  const realRunsJson = () => path.join(api.box().stateDir, 'runs.json')

  /** Nothing reached the real API, the sandbox saw its own token only, the user's files are as they were. */
  async function nothingLeaked(): Promise<void> {
    expect(api.fake().requests, 'requests to the real API').to.deep.equal([])
    const journal = readJournal(stateFile())
    expect(journal.length).to.be.greaterThan(0)
    expect(new Set(journal.map((j) => j.token))).to.deep.equal(new Set(['sandbox']))
    // And every header the running sandbox received: the dummy token, never a real one.
    const sandbox = await localSandbox(sandboxEnv(env()))
    for (const r of sandbox.requests) expect(r.headers.authorization).to.equal(`Bearer ${SANDBOX_TOKEN}`)
    expect(JSON.stringify(sandbox.requests)).to.not.contain(CONFIG_TOKEN).and.not.contain(api.fake().token)
    expect(fs.existsSync(realRunsJson()), 'the real runs.json').to.equal(false)
    expect(fs.readFileSync(api.box().configFile, 'utf8')).to.equal(configText)
  }

  it('--sandbox: new, then get --wait in the next invocation; the real tokens are never sent, the real runs.json never written', async () => {
    const created = await runCli(['--sandbox', 'new', '--query', 'Add a health check endpoint', '--json'], {env: env()})
    expect(created.code, created.stderr).to.equal(0)
    const run = parseJson<{id: number; status: string}>(created)
    expect(run.status).to.equal('ACTIVE')
    expect(run.id).to.be.greaterThan(SEEDED_MAX_ID)
    await closeLocalSandboxes()

    const done = await runCli(['get', String(run.id), '--wait', '--json', '--sandbox'], {env: env()})
    expect(done.code, done.stderr).to.equal(0)
    const final = parseJson<{status: string; github_pull_requests: {url: string}[]}>(done)
    expect(final.status).to.equal('COMPLETE')
    expect(final.github_pull_requests).to.have.length(1)
    await nothingLeaked()
    // The run is recorded in the sandbox's own runs.json.
    expect(fs.readFileSync(path.join(path.dirname(stateFile()), 'state', 'runs.json'), 'utf8')).to.contain(`"id": ${run.id}`)
    const posts = readJournal(stateFile()).filter((j) => j.method === 'POST')
    expect(posts.map((p) => p.path)).to.deep.equal(['/v1/organizations/42/agent/run'])
  })

  it("CODEGEN_API_BASE_URL=sandbox: the same, with the real token in the environment; list sees the earlier invocation's run", async () => {
    const sandboxed = env({CODEGEN_API_BASE_URL: 'sandbox'})
    const created = await runCli(['new', '--query', 'Add a changelog', '--json'], {env: sandboxed})
    expect(created.code, created.stderr).to.equal(0)
    const {id} = parseJson<{id: number}>(created)
    await closeLocalSandboxes()
    const listed = await runCli(['list', '--json', '--limit', '5'], {env: sandboxed})
    expect(listed.code, listed.stderr).to.equal(0)
    expect(parseJson<{id: number}[]>(listed).map((r) => r.id)).to.include(id)
    const config = await runCli(['config', 'get', 'base-url', '--json'], {env: sandboxed})
    expect(parseJson(config)).to.include({value: 'sandbox', source: 'env'})
    await nothingLeaked()
  })

  it('prompt markers: [fail] ends FAILED (exit 6); [ask] ends with a question and no PR, and a resume finishes it', async () => {
    const failed = await runCli(['--sandbox', 'new', '--query', 'Fix the flaky test [fail]', '--wait', '--json'], {env: env()})
    expect(failed.code).to.equal(6)
    expect(parseJson(failed)).to.include({status: 'FAILED'})

    const asked = await runCli(['--sandbox', 'new', '--query', 'Refactor the client [ask]', '--wait', '--json'], {env: env()})
    expect(asked.code, asked.stderr).to.equal(0)
    const question = parseJson<{id: number; status: string; result: string; github_pull_requests: unknown[]}>(asked)
    expect(question.status).to.equal('COMPLETE')
    expect(question.github_pull_requests).to.deep.equal([])
    expect(question.result).to.contain(`codegenapi resume ${question.id}`)

    const resumed = await runCli(['--sandbox', 'resume', String(question.id), '--query', 'Keep the API', '--wait', '--json'], {env: env()})
    expect(resumed.code, resumed.stderr).to.equal(0)
    expect(parseJson<{github_pull_requests: unknown[]}>(resumed).github_pull_requests).to.have.length(1)
    await nothingLeaked()
  })

  it('[stuck] stays ACTIVE until stopped; stop works against the sandbox', async () => {
    const created = await runCli(['--sandbox', 'new', '--query', 'Never ends [stuck]', '--json'], {env: env()})
    const {id} = parseJson<{id: number}>(created)
    const waited = await runCli(['--sandbox', 'get', String(id), '--wait', '--timeout', '1s', '--json'], {env: env()})
    expect(waited.code).to.equal(124)
    expect(parseJson(waited)).to.include({status: 'ACTIVE'})
    const stopped = await runCli(['--sandbox', 'stop', String(id), '--yes', '--json'], {env: env()})
    expect(stopped.code, stopped.stderr).to.equal(0)
    await closeLocalSandboxes()
    expect(parseJson(await runCli(['--sandbox', 'get', String(id), '--json'], {env: env()}))).to.include({status: 'STOPPED'})
  })

  it('sandbox --reset forgets the runs: back to the seed data', async () => {
    const {id} = parseJson<{id: number}>(await runCli(['--sandbox', 'new', '--query', 'Temporary', '--json'], {env: env()}))
    await closeLocalSandboxes()
    const reset = await runCli(['sandbox', '--reset'], {env: env()})
    expect(reset.code, reset.stderr).to.equal(0)
    expect(reset.stdout).to.contain('Sandbox reset')
    expect(fs.existsSync(stateFile())).to.equal(false)
    const ids = parseJson<{id: number}[]>(await runCli(['--sandbox', 'list', '--json', '--limit', '3'], {env: env()})).map((r) => r.id)
    expect(ids).to.not.include(id)
    expect(Math.max(...ids)).to.equal(SEEDED_MAX_ID)
  })

  it('takes --sandbox from anywhere before `--`, and only there', () => {
    expect(takeSandboxFlag(['--sandbox', 'list', '--json'])).to.deep.equal({argv: ['list', '--json'], on: true})
    expect(takeSandboxFlag(['list', '--sandbox'])).to.deep.equal({argv: ['list'], on: true})
    expect(takeSandboxFlag(['list', '--json'])).to.deep.equal({argv: ['list', '--json'], on: false})
    expect(takeSandboxFlag(['new', '--', '--sandbox'])).to.deep.equal({argv: ['new', '--', '--sandbox'], on: false})
  })

  it('sandbox --help documents the markers, the state and --sandbox', async () => {
    const help = await runCli(['sandbox', '--help'], {env: env()})
    for (const text of ['[fail]', '[error]', '[slow]', '[stuck]', '[ask]', '--reset', '--port', '--sandbox', 'api.json'])
      expect(help.stdout).to.contain(text)
  })
})
