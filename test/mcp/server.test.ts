import {expect} from 'chai'
import {CallToolResultSchema} from '@modelcontextprotocol/sdk/types.js'
import fs from 'node:fs'
import path from 'node:path'
import {useFakeApi} from '../helpers/fake.js'
import {until} from '../helpers/wait.js'
import {ALL_TOOL_NAMES, READ_ONLY_TOOLS, selectTools, TOOLS, TASK_TOOLS} from '../../src/mcp/tools/index.js'
import {TOOLSETS} from '../../src/mcp/tools/toolsets.js'
import {startMcp, textOf, type McpSession} from './session.js'

// `codegenapi mcp serve`, driven by the SDK's real client against the in-repo fake Codegen API: in this
// process (session.ts) for what tools, resources and notifications do; the built binary for what the
// process does ('process': stdout carries protocol only, exit on stdin end and signals; exit codes of a
// refused start). Runs created here stay ACTIVE until a test finishes them with setRunStatus.

// The tool lists come from the registry: all of them with --toolsets all, the default toolsets without.
const ALL = ['--toolsets', 'all']
const TOOL_NAMES = [...ALL_TOOL_NAMES].sort()
const DEFAULT_NAMES = (() => {
  const {tools, taskTools} = selectTools({})
  return [...tools, ...taskTools].map((t) => t.name).sort()
})()
/** The tools that change something: every other tool is read-only (readOnlyHint, --read-only). */
const WRITING = [
  'codegenapi_config',
  'codegenapi_new',
  'codegenapi_resume',
  'codegenapi_run',
  // The rest of the API (src/mcp/tools/rest-tools.ts).
  'codegenapi_stop',
  'codegenapi_unban',
  'codegenapi_remove_from_pr',
  'codegenapi_set_pr_state',
  'codegenapi_set_check_suite_settings',
  'codegenapi_generate_setup_commands',
]
const READ_ONLY = TOOL_NAMES.filter((n) => !WRITING.includes(n))

const runUri = (id: number) => `codegen://agent-runs/${id}`

/** Calls a tool and returns the result (the client checks structuredContent against the output schema). */
async function call(s: McpSession, name: string, args: Record<string, unknown> = {}, options = {}): Promise<any> {
  return s.client.callTool({name, arguments: args}, CallToolResultSchema, options)
}

/** Every integer in a JSON schema has explicit, sane bounds. */
function checkIntegers(schema: any, where: string): void {
  if (!schema || typeof schema !== 'object') return
  if (schema.type === 'integer') {
    expect(schema, `${where}: minimum`).to.have.property('minimum')
    expect(schema, `${where}: maximum`).to.have.property('maximum')
    expect(Math.abs(schema.minimum), `${where}: minimum`).to.be.lessThan(2 ** 53)
    expect(schema.maximum, `${where}: maximum`).to.be.at.most(Number.MAX_SAFE_INTEGER)
  }
  for (const [key, value] of Object.entries(schema)) if (value && typeof value === 'object') checkIntegers(value, `${where}.${key}`)
}

describe('mcp serve', function () {
  const api = useFakeApi({runDurationMs: 10 * 60_000})

  before(function () {
    if (!fs.existsSync(path.resolve('dist/cli.cjs'))) throw new Error('Build first: npm run build')
  })

  describe('tools/list', () => {
    it('lists every tool with a description, schemas with described fields and bounded integers, and annotations', async () => {
      const s = await startMcp(api.env(), ALL)
      const {tools} = await s.client.listTools()
      expect(tools.map((t) => t.name).sort()).to.deep.equal(TOOL_NAMES)
      for (const tool of tools) {
        expect(tool.description, tool.name).to.be.a('string')
        const sentences = tool.description!.split(/(?<=[.!?])\s+/).filter(Boolean)
        expect(sentences.length, `${tool.name}: one to three sentences`).to.be.within(1, 3)
        expect(tool.inputSchema.type).to.equal('object')
        expect(tool.outputSchema, `${tool.name} outputSchema`).to.be.an('object')
        for (const [field, schema] of Object.entries<any>(tool.inputSchema.properties ?? {})) {
          expect(schema.description, `${tool.name}.${field} description`).to.be.a('string').and.not.equal('')
        }
        checkIntegers(tool.inputSchema, `${tool.name} input`)
        checkIntegers(tool.outputSchema, `${tool.name} output`)
        expect(tool.annotations?.title, `${tool.name} title`).to.be.a('string')
        expect(tool.annotations?.readOnlyHint, `${tool.name} readOnlyHint`).to.equal(READ_ONLY.includes(tool.name))
      }
      const byName = Object.fromEntries(tools.map((t) => [t.name, t]))
      for (const name of ['codegenapi_new', 'codegenapi_resume', 'codegenapi_run']) {
        expect(byName[name].annotations).to.include({readOnlyHint: false, idempotentHint: false, openWorldHint: true})
      }
      // Optional: hosts without task support (AI SDK, LangChain) can call it too (F-20).
      expect(byName.codegenapi_run.execution?.taskSupport).to.equal('optional')
      // A plain call must never wait for a whole run: no task support on codegenapi_new.
      expect(byName.codegenapi_new.execution?.taskSupport ?? 'forbidden').to.equal('forbidden')
      expect(byName.codegenapi_wait_for_agent_run.inputSchema.properties!.timeout_seconds).to.include({minimum: 1, maximum: 45})
      expect(byName.codegenapi_list.inputSchema.properties!.limit).to.include({minimum: 1, maximum: 100})
      expect(byName.codegenapi_get_agent_run.inputSchema.required).to.deep.equal(['agent_run_id'])
      await s.close()
    })

    it('the registry: read-only tools are the ones that say so; every tool is in a toolset', () => {
      expect(READ_ONLY_TOOLS.sort()).to.deep.equal(READ_ONLY)
      expect([...TOOLS, ...TASK_TOOLS].map((t) => t.name).sort()).to.deep.equal(TOOL_NAMES)
      const inSets = new Set(Object.values(TOOLSETS).flatMap((t) => [...t.tools]))
      expect([...inSets].sort()).to.deep.equal(TOOL_NAMES)
    })

    it('offers the default toolsets; --toolsets picks others, all is every tool, an unknown one is exit 2', async () => {
      const s = await startMcp(api.env())
      const names = (await s.client.listTools()).tools.map((t) => t.name).sort()
      expect(names).to.deep.equal(DEFAULT_NAMES)
      expect(names).to.include.members(['codegenapi_new', 'codegenapi_run', 'codegenapi_list_repos', 'codegenapi_get_current_user'])
      expect(names).to.not.include('codegenapi_config')
      await s.close()
      const some = await startMcp(api.env(), ['--toolsets', 'repos,admin'])
      expect((await some.client.listTools()).tools.map((t) => t.name).sort()).to.deep.equal(['codegenapi_config', 'codegenapi_list_repos'])
      await some.close()
      const {runBin} = await import('../helpers/cli.js')
      const bad = await runBin(['mcp', 'serve', '--toolsets', 'runs,stuff'], {env: api.env()})
      expect(bad.code).to.equal(2)
      expect(bad.stdout).to.equal('')
      expect(bad.stderr).to.include('stuff').and.include('runs')
    })

    it('--read-only offers only the tools that read; --tools a chosen few', async () => {
      const ro = await startMcp(api.env(), [...ALL, '--read-only'])
      expect((await ro.client.listTools()).tools.map((t) => t.name).sort()).to.deep.equal(READ_ONLY)
      await ro.close()
      const roDefault = await startMcp(api.env(), ['--read-only'])
      expect((await roDefault.client.listTools()).tools.map((t) => t.name).sort()).to.deep.equal(
        DEFAULT_NAMES.filter((n) => READ_ONLY.includes(n)),
      )
      await roDefault.close()
      const few = await startMcp(api.env(), ['--tools', 'new,codegenapi_get_agent_run,wait_for_agent_run'])
      expect((await few.client.listTools()).tools.map((t) => t.name).sort()).to.deep.equal([
        'codegenapi_get_agent_run',
        'codegenapi_new',
        'codegenapi_wait_for_agent_run',
      ])
      await few.close()
    })

    it('refuses an unknown --tools name before speaking the protocol, on stderr, exit 2', async () => {
      const {runBin} = await import('../helpers/cli.js')
      const result = await runBin(['mcp', 'serve', '--tools', 'new,frobnicate'], {env: api.env()})
      expect(result.code).to.equal(2)
      expect(result.stdout).to.equal('')
      expect(result.stderr).to.include('frobnicate').and.include('codegenapi_new')
    })

    it('is hidden from --help but documents itself', async () => {
      const {runCli} = await import('../helpers/cli.js')
      const help = await runCli(['mcp', '--help'], {env: api.env()})
      expect(help.stdout)
        .to.include('mcp install')
        .and.not.match(/mcp serve/)
      const own = await runCli(['mcp', 'serve', '--help'], {env: api.env()})
      expect(own.stdout + own.stderr).to.include('--read-only')
    })
  })

  describe('tools/call', () => {
    it('answers every read tool from the API', async () => {
      const fake = api.fake()
      const s = await startMcp(api.env(), ALL)
      await s.client.listTools()

      const me = await call(s, 'codegenapi_get_current_user')
      expect(me.isError).to.not.equal(true)
      expect(me.structuredContent).to.include({id: fake.userId})
      expect(textOf(me)).to.include(String(fake.userId))

      const users = await call(s, 'codegenapi_get_users', {limit: 5, skip: 2})
      expect(users.structuredContent.count).to.equal(5)
      expect(users.structuredContent.users[0].id).to.equal(fake.users[2].id)

      const user = await call(s, 'codegenapi_get_user', {user_id: String(fake.users[3].id)})
      expect(user.structuredContent).to.include({id: fake.users[3].id, github_username: fake.users[3].github_username})

      const orgs = await call(s, 'codegenapi_get_organizations')
      expect(orgs.structuredContent.organizations.map((o: any) => o.id)).to.include(fake.orgId)

      const list = await call(s, 'codegenapi_list', {limit: 3})
      expect(list.structuredContent.count).to.equal(3)
      expect(list.structuredContent.runs.map((r: any) => r.id)).to.deep.equal(fake.runs.slice(0, 3).map((r) => r.id))

      const failed = await call(s, 'codegenapi_list', {status: 'failed,error', limit: '100'})
      expect(failed.structuredContent.runs.length).to.be.greaterThan(0)
      for (const r of failed.structuredContent.runs) expect(['FAILED', 'ERROR']).to.include(r.status)

      const mine = await call(s, 'codegenapi_list', {user_id: fake.userId, source_type: 'api', limit: 100})
      const expected = fake.runs.filter((r) => r.creator_id === fake.userId && r.source_type === 'API').map((r) => r.id)
      expect(mine.structuredContent.runs.map((r: any) => r.id)).to.deep.equal(expected.slice(0, 100))

      const done = fake.runs.find((r) => r.status === 'COMPLETE')!
      const got = await call(s, 'codegenapi_get_agent_run', {agent_run_id: done.id})
      expect(got.structuredContent).to.include({id: done.id, status: 'COMPLETE', finished: true, resource_uri: runUri(done.id)})
      expect(textOf(got)).to.include(`Agent run ${done.id} is COMPLETE`)

      // Repositories by name, to pass to codegenapi_new (it had to guess before).
      const found = await call(s, 'codegenapi_list_repos', {search: 'SAFETY-core'})
      const wanted = fake.repos.filter(
        (r) => r.full_name.toLowerCase().includes('safety-core') || (r.description ?? '').toLowerCase().includes('safety-core'),
      )
      expect(found.structuredContent.repos.map((r: any) => r.id)).to.deep.equal(wanted.slice(0, 20).map((r) => r.id))
      expect(found.structuredContent.repos[0]).to.include({id: wanted[0].id, full_name: wanted[0].full_name})
      const few = await call(s, 'codegenapi_list_repos', {limit: 3})
      expect(few.structuredContent.repos.map((r: any) => r.id)).to.deep.equal(fake.repos.slice(0, 3).map((r) => r.id))
      const none = await call(s, 'codegenapi_list_repos', {search: 'no-such-repository-anywhere'})
      expect(none.structuredContent).to.deep.equal({repos: [], count: 0})
      expect(textOf(none)).to.include('No repository matches')

      const logs = await call(s, 'codegenapi_get_agent_run_logs', {agent_run_id: done.id, limit: 2})
      const all = fake.getLogs(done.id)
      expect(logs.structuredContent.logs).to.have.length(Math.min(2, all.length))
      expect(logs.structuredContent.total_logs).to.equal(all.length)
      if (all.length > 2) expect(logs.structuredContent.next_skip).to.equal(2)
      await s.close()
    })

    it('codegenapi_new returns at once, watches the run; wait, get and resume follow it', async () => {
      const fake = api.fake()
      const s = await startMcp(api.env(), ALL)
      await s.client.listTools()
      const created = await call(s, 'codegenapi_new', {
        query: 'Add retry logic to the HTTP client',
        repo: 'Zeeeepa/codegen.py',
        task: 'create plan',
        metadata: {ticket: 'ENG-1'},
      })
      expect(created.isError, textOf(created)).to.not.equal(true)
      const id = created.structuredContent.id
      expect(created.structuredContent).to.include({status: 'ACTIVE', watching: true, finished: false, resource_uri: runUri(id)})
      expect(created.structuredContent.web_url).to.be.a('string')
      expect(textOf(created)).to.include(`agent run ${id}`).and.include('codegenapi_wait_for_agent_run')
      const body = fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/agent/run'))!.body
      expect(body.repo_id).to.equal(fake.repos.find((r) => r.full_name === 'Zeeeepa/codegen.py')!.id)
      expect(body.prompt).to.include('Task: CREATE_PLAN')
      expect(body.metadata).to.include({ticket: 'ENG-1', source: 'codegenapi'})

      // Resume is refused while it works, naming the status and what to do.
      const early = await call(s, 'codegenapi_resume', {agent_run_id: id, query: 'And add tests'})
      expect(early.isError).to.equal(true)
      expect(textOf(early)).to.include(`Agent run ${id} is ACTIVE`).and.include('COMPLETE')
      expect(fake.requests.filter((r) => r.path.endsWith('/agent/run/resume'))).to.deep.equal([])

      // Waiting runs out of time while it works, and says so.
      const short = await call(s, 'codegenapi_wait_for_agent_run', {agent_run_id: id, timeout_seconds: 1})
      expect(short.structuredContent).to.include({finished: false, timed_out: true})
      expect(textOf(short)).to.include('still ACTIVE').and.include('codegenapi_wait_for_agent_run')

      // Then it finishes while a wait with progress is under way.
      const progress: any[] = []
      let firstProgress!: () => void
      const progressed = new Promise<void>((resolve) => (firstProgress = resolve))
      const waiting = call(
        s,
        'codegenapi_wait_for_agent_run',
        {agent_run_id: String(id)},
        {
          onprogress: (p: any) => {
            progress.push(p)
            firstProgress()
          },
        },
      )
      // The run ends while the wait is under way.
      await progressed
      fake.setRunStatus(id, 'COMPLETE', {result: 'Here is the plan: 1. retry 2. backoff', summary: 'Plan written'})
      const waited = await waiting
      expect(waited.structuredContent).to.include({finished: true, timed_out: false})
      expect(waited.structuredContent.run).to.include({id, status: 'COMPLETE', result: 'Here is the plan: 1. retry 2. backoff'})
      expect(textOf(waited)).to.include('Here is the plan')
      expect(progress.length, 'progress notifications').to.be.greaterThan(0)
      expect(progress[0].total).to.equal(40)

      const got = await call(s, 'codegenapi_get_agent_run', {agent_run_id: id})
      expect(got.structuredContent).to.include({status: 'COMPLETE', summary: 'Plan written'})

      const resumed = await call(s, 'codegenapi_resume', {agent_run_id: id, query: 'Now implement step 1', task: 'IMPLEMENT'})
      expect(resumed.isError, textOf(resumed)).to.not.equal(true)
      expect(resumed.structuredContent.watching).to.equal(true)
      const resumeBody = fake.requests.find((r) => r.path.endsWith('/agent/run/resume'))!.body
      expect(resumeBody).to.include({agent_run_id: id})
      expect(resumeBody.prompt).to.include('Now implement step 1')
      await s.close()
    })

    it('codegenapi_config lists, gets, sets and unsets, never showing the token', async () => {
      const fake = api.fake()
      const s = await startMcp(api.env(), ALL)
      await s.client.listTools()
      const list = await call(s, 'codegenapi_config', {action: 'list'})
      const token = list.structuredContent.entries.find((e: any) => e.key === 'api-token')
      expect(token).to.include({set: true, source: 'env', value: `****${fake.token.slice(-4)}`})
      expect(JSON.stringify(list)).not.to.include(fake.token)

      const set = await call(s, 'codegenapi_config', {action: 'set', key: 'org-id', value: '57'})
      expect(set.structuredContent.changed).to.equal(true)
      const file = JSON.parse(fs.readFileSync(api.box().configFile, 'utf8'))
      expect(file['org-id']).to.equal(57)
      expect(fs.statSync(api.box().configFile).mode & 0o777).to.equal(0o600)

      const get = await call(s, 'codegenapi_config', {action: 'get', key: 'org_id'})
      expect(get.structuredContent.entries[0]).to.include({key: 'org-id', value: String(fake.orgId), source: 'env'})

      const bad = await call(s, 'codegenapi_config', {action: 'set', key: 'org-id', value: 'abc'})
      expect(bad.isError).to.equal(true)
      expect(textOf(bad)).to.include('org-id must be a positive integer')

      const noKey = await call(s, 'codegenapi_config', {action: 'get'})
      expect(noKey.isError).to.equal(true)
      expect(textOf(noKey)).to.include('key is required').and.include('api-token, org-id, base-url')

      const unset = await call(s, 'codegenapi_config', {action: 'unset', key: 'org-id'})
      expect(unset.structuredContent.changed).to.equal(true)
      expect(JSON.parse(fs.readFileSync(api.box().configFile, 'utf8'))).not.to.have.property('org-id')
      await s.close()
    })
  })

  describe('errors', () => {
    it('answers failures as isError results a model can act on, and keeps serving', async () => {
      const fake = api.fake()
      const s = await startMcp(api.env(), ALL)
      await s.client.listTools()

      const missing = await call(s, 'codegenapi_get_agent_run', {agent_run_id: 99_999_999})
      expect(missing.isError).to.equal(true)
      expect(textOf(missing)).to.match(/HTTP 404|not found/i)

      const repo = await call(s, 'codegenapi_new', {query: 'x', repo: 'Zeeeepa/codegen.pyy'})
      expect(repo.isError).to.equal(true)
      expect(textOf(repo)).to.include('Did you mean').and.include('Zeeeepa/codegen.py')

      const status = await call(s, 'codegenapi_list', {status: 'sleeping'})
      expect(status.isError).to.equal(true)
      expect(textOf(status)).to.include('Unknown status').and.include('running')

      const image = await call(s, 'codegenapi_new', {query: 'look', images: ['data:image/png;base64,AAAA']})
      expect(image.isError).to.equal(true)
      expect(textOf(image)).to.include('images[0]')

      // The schema refuses bad arguments; nothing reaches the API.
      const before = fake.requests.length
      for (const args of [
        {agent_run_id: 'abc'},
        {agent_run_id: 0},
        {agent_run_id: 1.5},
        {agent_run_id: -3},
        {agent_run_id: '12x'},
        {agent_run_id: true},
        {},
        {agent_run_id: 1, extra: 1},
      ]) {
        const r = await call(s, 'codegenapi_get_agent_run', args)
        expect(r.isError, JSON.stringify(args)).to.equal(true)
        expect(textOf(r), JSON.stringify(args)).to.match(/Invalid arguments|agent_run_id/)
      }
      const limits = await call(s, 'codegenapi_list', {limit: 0})
      expect(limits.isError).to.equal(true)
      expect(textOf(limits)).to.include('limit must be an integer from 1 to 100')
      expect((await call(s, 'codegenapi_wait_for_agent_run', {agent_run_id: 1, timeout_seconds: 46})).isError).to.equal(true)
      expect(fake.requests.length, 'requests sent for invalid arguments').to.equal(before)

      // A numeric string is an integer.
      const done = fake.runs.find((r) => r.status === 'COMPLETE')!
      const ok = await call(s, 'codegenapi_get_agent_run', {agent_run_id: ` ${done.id} `})
      expect(ok.isError).to.not.equal(true)
      expect(ok.structuredContent.id).to.equal(done.id)

      // The API failing does not take the server down.
      fake.inject({method: 'GET', path: /\/agent\/run\/\d+$/, status: 500, body: {message: 'database on fire'}, times: 10})
      const broken = await call(s, 'codegenapi_get_agent_run', {agent_run_id: done.id})
      expect(broken.isError).to.equal(true)
      expect(textOf(broken)).to.include('HTTP 500').and.include('database on fire')
      expect((await call(s, 'codegenapi_get_current_user')).isError).to.not.equal(true)
      expect(JSON.stringify(s.notifications) + s.stderr()).not.to.include(fake.token)
      await s.close()
    })

    it('starts without a token: lists its tools, and each API tool says how to configure one', async () => {
      const s = await startMcp(api.env({CODEGEN_API_TOKEN: undefined}), ALL)
      const {tools} = await s.client.listTools()
      expect(tools).to.have.length(TOOL_NAMES.length)
      for (const [name, args] of [
        ['codegenapi_get_current_user', {}],
        ['codegenapi_list', {}],
        ['codegenapi_get_agent_run', {agent_run_id: 1}],
        ['codegenapi_new', {query: 'hello'}],
        ['codegenapi_wait_for_agent_run', {agent_run_id: 1}],
      ] as const) {
        const r = await call(s, name, args)
        expect(r.isError, name).to.equal(true)
        expect(textOf(r), name).to.include('No API token is configured').and.include('codegenapi login')
      }
      const config = await call(s, 'codegenapi_config', {action: 'get', key: 'api-token'})
      expect(config.structuredContent.entries[0]).to.include({key: 'api-token', set: false})
      expect(s.stderr()).to.include('token NOT set')
      expect(api.fake().requests).to.deep.equal([])
      await s.close()
    })
  })

  describe('limits', () => {
    it('cuts long text so results stay small, and the resource carries more of it', async () => {
      const fake = api.fake()
      const run = fake.addRun({
        status: 'COMPLETE',
        result: 'r'.repeat(200_000),
        summary: 's'.repeat(20_000),
        logs: [{message_type: 'ACTION', thought: 't'.repeat(50_000), tool_name: 'shell'}],
      })
      const s = await startMcp(api.env(), ALL)
      await s.client.listTools()
      const got = await call(s, 'codegenapi_get_agent_run', {agent_run_id: run.id})
      expect(got.structuredContent.result_truncated).to.equal(true)
      expect(got.structuredContent.result.length).to.be.below(9000)
      expect(JSON.stringify(got).length).to.be.below(60_000)
      const logs = await call(s, 'codegenapi_get_agent_run_logs', {agent_run_id: run.id})
      expect(logs.structuredContent.logs[0].thought.length).to.be.below(1600)
      expect(logs.structuredContent.logs[0].tool_name).to.equal('shell')
      const read = await s.client.readResource({uri: runUri(run.id)})
      expect(JSON.parse(String((read.contents[0] as any).text)).result.length).to.be.within(100_000, 100_100)
      await s.close()
    })

    it('answers within its deadline when the API is slow, and keeps serving', async () => {
      const fake = api.fake()
      const s = await startMcp(api.env({CODEGENAPI_TOOL_DEADLINE_MS: '1500'}), ALL)
      await s.client.listTools()
      fake.inject({method: 'GET', path: '/v1/users/me', kind: 'delay', delayMs: 4000})
      const slow = await call(s, 'codegenapi_get_current_user')
      expect(slow.isError).to.equal(true)
      expect(textOf(slow)).to.include('did not finish within 1.5 s')
      // A wait asked for 45 s answers by the deadline, with the run as it stands.
      const run = fake.addRun({status: 'ACTIVE'})
      const waited = await call(s, 'codegenapi_wait_for_agent_run', {agent_run_id: run.id, timeout_seconds: 45})
      expect(waited.isError).to.not.equal(true)
      expect(waited.structuredContent).to.include({finished: false, timed_out: true})
      expect((await call(s, 'codegenapi_get_organizations')).isError).to.not.equal(true)
      await s.close()
    })

    it('stops waiting when the client cancels, and keeps serving', async () => {
      const run = api.fake().addRun({status: 'ACTIVE'})
      const s = await startMcp(api.env(), ALL)
      await s.client.listTools()
      const controller = new AbortController()
      const waiting = call(
        s,
        'codegenapi_wait_for_agent_run',
        {agent_run_id: run.id, timeout_seconds: 45},
        {signal: controller.signal, onprogress: () => controller.abort()},
      )
      const error = await waiting.then(
        () => undefined,
        (e: Error) => e,
      )
      expect(error, 'the call was cancelled').to.be.instanceOf(Error)
      const after = await call(s, 'codegenapi_get_agent_run', {agent_run_id: run.id})
      expect(after.structuredContent.status).to.equal('ACTIVE')
      await s.close()
    })

    it('--org-id picks the organization', async () => {
      const fake = api.fake()
      const s = await startMcp(api.env(), [...ALL, '--org-id', '57'])
      await call(s, 'codegenapi_list', {limit: 1})
      expect(fake.requests.map((r) => r.path)).to.include('/v1/organizations/57/agent/runs')
      await s.close()
    })
  })

  describe('watching runs', () => {
    it('notifies a subscriber with resources/updated, and logs the change, when the run completes', async () => {
      const fake = api.fake()
      const s = await startMcp(api.env(), ALL)
      await s.client.setLoggingLevel('info')
      const created = await call(s, 'codegenapi_new', {query: 'Fix the login bug'})
      const id = created.structuredContent.id
      await s.client.subscribeResource({uri: runUri(id)})

      const listed = await s.client.listResources()
      expect(listed.resources.map((r) => r.uri)).to.include(runUri(id))
      const templates = await s.client.listResourceTemplates()
      expect(templates.resourceTemplates.map((t) => t.uriTemplate)).to.deep.equal(['codegen://agent-runs/{agent_run_id}'])

      fake.setRunStatus(id, 'COMPLETE', {
        result: 'Fixed in PR #7',
        github_pull_requests: [
          {
            id: 7,
            title: 'Fix login',
            url: 'https://github.com/acme/api/pull/7',
            created_at: new Date().toISOString(),
            head_branch_name: 'fix-login',
          },
        ],
      })
      const updated = await s.notification((n) => n.method === 'notifications/resources/updated' && n.params?.uri === runUri(id))
      expect(updated.params).to.deep.equal({uri: runUri(id)})
      const message = await s.notification(
        (n) => n.method === 'notifications/message' && String(n.params?.data).includes(`Agent run ${id} is COMPLETE`),
      )
      expect(message.params?.level).to.equal('info')

      const read = await s.client.readResource({uri: runUri(id)})
      const json = JSON.parse(String((read.contents[0] as any).text))
      expect(json).to.include({id, status: 'COMPLETE', result: 'Fixed in PR #7', finished: true})
      expect(json.pull_requests[0]).to.include({url: 'https://github.com/acme/api/pull/7', branch: 'fix-login'})

      // The state file records the result, for `codegenapi get` and a later server.
      await s.close()
      const state = JSON.parse(fs.readFileSync(path.join(api.box().stateDir, 'runs.json'), 'utf8'))
      expect(state.runs[String(id)]).to.include({status: 'COMPLETE', watched: false, result: 'Fixed in PR #7'})
      expect(fs.statSync(path.join(api.box().stateDir, 'runs.json')).mode & 0o777).to.equal(0o600)
    })

    it('sends log lines at the level the client chose', async () => {
      const fake = api.fake()
      const s = await startMcp(api.env(), ALL)
      await s.client.setLoggingLevel('warning')
      const quiet = fake.addRun({status: 'ACTIVE'})
      await s.client.subscribeResource({uri: runUri(quiet.id)})
      fake.setRunStatus(quiet.id, 'COMPLETE')
      await s.notification((n) => n.method === 'notifications/resources/updated' && n.params?.uri === runUri(quiet.id))
      expect(
        s.notifications.filter((n) => n.method === 'notifications/message' && String(n.params?.data).includes(`Agent run ${quiet.id}`)),
      ).to.deep.equal([])
      await s.client.setLoggingLevel('info')
      const loud = fake.addRun({status: 'ACTIVE'})
      await s.client.subscribeResource({uri: runUri(loud.id)})
      fake.setRunStatus(loud.id, 'FAILED')
      const message = await s.notification(
        (n) => n.method === 'notifications/message' && String(n.params?.data).includes(`Agent run ${loud.id} is FAILED`),
      )
      expect(message.params).to.include({level: 'info', logger: 'codegenapi'})
      await s.close()
    })

    it('a subscription to any run watches it; unknown URIs are refused', async () => {
      const fake = api.fake()
      const run = fake.addRun({status: 'ACTIVE'})
      const s = await startMcp(api.env(), ALL)
      await s.client.subscribeResource({uri: runUri(run.id)})
      fake.setRunStatus(run.id, 'FAILED')
      await s.notification((n) => n.method === 'notifications/resources/updated' && n.params?.uri === runUri(run.id))
      let error: Error | undefined
      await s.client.subscribeResource({uri: 'codegen://agent-runs/abc'}).catch((e) => (error = e))
      expect(error?.message).to.include('codegen://agent-runs/{agent_run_id}')
      const unknown = await s.client.readResource({uri: runUri(99_999_999)}).catch((e) => e as Error)
      expect((unknown as Error).message).to.match(/404|not found/i)
      await s.close()
    })

    it('a restarted server picks up a run that was still active, and notifies when it completes', async () => {
      const fake = api.fake()
      const first = await startMcp(api.env(), ALL)
      const id = (await call(first, 'codegenapi_new', {query: 'Long job'})).structuredContent.id
      await first.close()
      const state = JSON.parse(fs.readFileSync(path.join(api.box().stateDir, 'runs.json'), 'utf8'))
      expect(state.runs[String(id)]).to.include({status: 'ACTIVE', watched: true})

      const second = await startMcp(api.env(), ALL)
      expect((await second.client.listResources()).resources.map((r) => r.uri)).to.include(runUri(id))
      await second.client.subscribeResource({uri: runUri(id)})
      const seen = fake.requests.length
      fake.setRunStatus(id, 'COMPLETE', {result: 'Done after restart'})
      await second.notification((n) => n.method === 'notifications/resources/updated' && n.params?.uri === runUri(id))
      expect(
        fake.requests
          .slice(seen)
          .some((r) => r.method === 'GET' && (r.path.endsWith(`/agent/run/${id}`) || r.path.endsWith('/agent/runs'))),
      ).to.equal(true)
      expect(second.stderr()).to.include(`still active from before: ${id}`)
      await second.close()
      const after = JSON.parse(fs.readFileSync(path.join(api.box().stateDir, 'runs.json'), 'utf8'))
      expect(after.runs[String(id)]).to.include({status: 'COMPLETE', watched: false, result: 'Done after restart'})
    })

    it('starts with a corrupt state file, saying so on stderr with the file name', async () => {
      const file = path.join(api.box().stateDir, 'runs.json')
      fs.mkdirSync(path.dirname(file), {recursive: true})
      fs.writeFileSync(file, '{not json')
      const s = await startMcp(api.env(), ALL)
      expect((await s.client.listTools()).tools).to.have.length(TOOL_NAMES.length)
      expect(s.stderr()).to.include(file).and.include('not valid JSON')
      await s.close()
    })

    it('codegenapi_run runs as an MCP task that completes with the run', async () => {
      const fake = api.fake()
      const s = await startMcp(api.env(), ALL)
      await s.client.listTools()
      const messages: any[] = []
      const before = new Set(fake.runs.map((r) => r.id))
      const stream = s.client.experimental.tasks.callToolStream(
        {name: 'codegenapi_run', arguments: {query: 'Write docs', task: 'DOCUMENT'}},
        CallToolResultSchema,
        {task: {ttl: 60_000}},
      )
      // The run ends once the fake has it: the task may be created (and report its status) before the
      // create reaches the API, so a stream message is no sign that the run exists yet.
      const started = () => fake.runs.find((r) => !before.has(r.id))
      const ended = until(() => started() !== undefined, 'the create of codegenapi_run').then(() =>
        fake.setRunStatus(started()!.id, 'COMPLETE', {result: 'Docs written'}),
      )
      for await (const message of stream) messages.push(message)
      await ended
      const result = messages.find((m) => m.type === 'result')
      expect(result, JSON.stringify(messages.map((m) => (m.type === 'error' ? m.error.message : m.type)))).to.not.equal(undefined)
      expect(result.result.structuredContent).to.include({status: 'COMPLETE', result: 'Docs written'})
      expect(textOf(result.result)).to.include('is COMPLETE')
      expect(messages[0].type).to.equal('taskCreated')

      await s.close()
    })
  })

  describe('process', () => {
    it('writes only JSON-RPC messages on stdout', async () => {
      const s = await startMcp(api.env({DEBUG: 'codegenapi*'}), [...ALL, '--debug'], {spawn: true})
      await s.client.listTools()
      await s.client.setLoggingLevel('debug')
      await call(s, 'codegenapi_get_current_user')
      await call(s, 'codegenapi_get_agent_run', {agent_run_id: 'nope'})
      await call(s, 'codegenapi_get_agent_run', {agent_run_id: 99_999_999})
      const id = (await call(s, 'codegenapi_new', {query: 'stdout check'})).structuredContent.id
      api.fake().setRunStatus(id, 'COMPLETE')
      await call(s, 'codegenapi_wait_for_agent_run', {agent_run_id: id, timeout_seconds: 10})
      await s.close()
      const lines = s
        .stdout()
        .split('\n')
        .filter((l) => l !== '')
      expect(lines.length).to.be.greaterThan(5)
      for (const line of lines) {
        let message: any
        expect(() => (message = JSON.parse(line)), line).not.to.throw()
        expect(message.jsonrpc, line).to.equal('2.0')
      }
      expect(s.stderr(), 'debug lines go to stderr').to.include('GET /v1/users/me')
      expect(s.stderr() + s.stdout()).not.to.include(api.fake().token)
    })

    it('exits 0 when stdin closes, with the state written', async () => {
      const s = await startMcp(api.env(), ALL, {spawn: true})
      const id = (await call(s, 'codegenapi_new', {query: 'watched at exit'})).structuredContent.id
      s.proc!.stdin!.end()
      expect(await s.exited).to.deep.equal({code: 0, signal: null})
      const state = JSON.parse(fs.readFileSync(path.join(api.box().stateDir, 'runs.json'), 'utf8'))
      expect(state.runs[String(id)]).to.include({watched: true})
    })

    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      it(`exits 0 on ${signal}`, async () => {
        const s = await startMcp(api.env(), ALL, {spawn: true})
        const id = (await call(s, 'codegenapi_new', {query: `watched at ${signal}`})).structuredContent.id
        s.proc!.kill(signal)
        expect(await s.exited).to.deep.equal({code: 0, signal: null})
        const state = JSON.parse(fs.readFileSync(path.join(api.box().stateDir, 'runs.json'), 'utf8'))
        expect(state.runs[String(id)]).to.include({watched: true})
      })
    }

    it('answers concurrent calls, each with its own result', async () => {
      const fake = api.fake()
      const s = await startMcp(api.env(), ALL)
      await s.client.listTools()
      const ids = fake.runs.slice(0, 12).map((r) => r.id)
      const results = await Promise.all(ids.map((id) => call(s, 'codegenapi_get_agent_run', {agent_run_id: id})))
      expect(results.map((r) => r.structuredContent.id)).to.deep.equal(ids)
      await s.close()
    })
  })
})
