import {expect} from 'chai'
import {CallToolResultSchema} from '@modelcontextprotocol/sdk/types.js'
import {useFakeApi} from '../helpers/fake.js'
import {startMcp, type McpSession} from './session.js'

// The rest of the API as MCP tools, through the built binary and the SDK's client, against the fake.

const WRITE = [
  'codegenapi_stop',
  'codegenapi_unban',
  'codegenapi_remove_from_pr',
  'codegenapi_set_pr_state',
  'codegenapi_set_check_suite_settings',
]
const READ = ['codegenapi_get_check_suite_settings', 'codegenapi_get_integrations']
const START = ['codegenapi_generate_setup_commands']
const ALL = [...WRITE, ...READ, ...START]
/** How to ask a server for all of them: their toolsets. */
const OPT_IN = ['--toolsets', 'pull_requests,repo_setup,integrations']

async function call(s: McpSession, name: string, args: Record<string, unknown> = {}): Promise<any> {
  return s.client.callTool({name, arguments: args}, CallToolResultSchema)
}

describe('mcp serve: the rest of the API', function () {
  const api = useFakeApi({runDurationMs: 10 * 60_000})

  it('the tools are opt-in, annotated honestly, and the writes are left out in read-only mode', async () => {
    const plain = await startMcp(api.env())
    const defaults = (await plain.client.listTools()).tools.map((t) => t.name)
    await plain.close()
    expect(defaults.filter((n) => ALL.includes(n))).to.deep.equal([])

    const s = await startMcp(api.env(), OPT_IN)
    const tools = (await s.client.listTools()).tools
    await s.close()
    const byName = new Map(tools.map((t) => [t.name, t]))
    for (const n of ALL) expect(byName.has(n), n).to.equal(true)
    for (const n of ['codegenapi_stop', 'codegenapi_unban', 'codegenapi_remove_from_pr']) {
      expect(byName.get(n)!.annotations, n).to.include({readOnlyHint: false, destructiveHint: true})
    }
    for (const n of WRITE) expect(byName.get(n)!.annotations!.readOnlyHint, n).to.equal(false)
    for (const n of READ) expect(byName.get(n)!.annotations, n).to.include({readOnlyHint: true, destructiveHint: false})
    expect(byName.get('codegenapi_generate_setup_commands')!.annotations).to.include({readOnlyHint: false, idempotentHint: false})

    const ro = await startMcp(api.env(), ['--read-only', ...OPT_IN])
    expect((await ro.client.listTools()).tools.map((t) => t.name).sort()).to.deep.equal([...READ].sort())
    await ro.close()
    const all = await startMcp(api.env(), ['--toolsets', 'all', '--read-only'])
    const allNames = (await all.client.listTools()).tools.map((t) => t.name)
    await all.close()
    expect(allNames).to.include.members(READ)
    expect(allNames.filter((n) => [...WRITE, ...START].includes(n))).to.deep.equal([])
    // Naming a write tool in --tools with --read-only is refused rather than silently dropped.
    const refused = await startMcp(api.env(), ['--read-only', '--tools', 'stop']).then(
      async (x) => {
        await x.close()
        return false
      },
      () => true,
    )
    expect(refused).to.equal(true)
  })

  it("stop and unban act on the run's pull request", async () => {
    const shared = {
      id: 94_001,
      title: 'PR',
      url: 'https://github.com/acme/robot-core/pull/9',
      created_at: '2026-11-30T08:00:00Z',
      head_branch_name: 'b',
    }
    const a = api.fake().addRun({github_pull_requests: [shared]}, {live: true})
    const b = api.fake().addRun({github_pull_requests: [shared]}, {live: true})
    const s = await startMcp(api.env(), OPT_IN)
    const stopped = await call(s, 'codegenapi_stop', {agent_run_id: a.id})
    expect(stopped.isError, JSON.stringify(stopped.content)).to.not.equal(true)
    expect(stopped.structuredContent).to.include({agent_run_id: a.id, action: 'ban'})
    expect(stopped.structuredContent.done).to.contain('Stopped every agent on the pull request')
    expect(api.fake().getRun(b.id)!.status).to.equal('STOPPED')
    const unbanned = await call(s, 'codegenapi_unban', {agent_run_id: String(a.id)})
    expect(unbanned.structuredContent.action).to.equal('unban')
    expect([...api.fake().rest.bannedPrs]).to.deep.equal([])
    const missing = await call(s, 'codegenapi_remove_from_pr', {agent_run_id: 999_999})
    expect(missing.isError).to.equal(true)
    expect(missing.content[0].text).to.contain('Agent run not found')
    await s.close()
  })

  it('set_pr_state, check-suite settings and integrations', async () => {
    const repo = api.fake().repos[3]
    const run = api.fake().addRun({
      github_pull_requests: [
        {
          id: 94_010,
          title: 'T',
          url: `https://github.com/${repo.full_name}/pull/31`,
          created_at: '2026-11-30T08:00:00Z',
          head_branch_name: 'b',
        },
      ],
    })
    const s = await startMcp(api.env(), OPT_IN)
    const pr = await call(s, 'codegenapi_set_pr_state', {pr_id: 94_010, state: 'closed', agent_run_id: run.id})
    expect(pr.structuredContent).to.deep.include({pr_id: 94_010, state: 'closed', number: 31})
    expect(api.fake().requests.some((r) => r.method === 'PATCH' && r.path.endsWith(`/repos/${repo.id}/prs/94010`))).to.equal(true)
    // The run's only pull request, when no pr_id is given; with several, the error lists their ids.
    const only = await call(s, 'codegenapi_set_pr_state', {agent_run_id: run.id, state: 'open'})
    expect(only.structuredContent).to.include({pr_id: 94_010, state: 'open'})
    const two = api.fake().addRun({
      github_pull_requests: [94_011, 94_012].map((id) => ({
        id,
        title: 'T',
        url: `https://github.com/${repo.full_name}/pull/${id - 94_000}`,
        created_at: '2026-11-30T08:00:00Z',
        head_branch_name: 'b',
      })),
    })
    const which = await call(s, 'codegenapi_set_pr_state', {agent_run_id: two.id, state: 'open'})
    expect(which.isError).to.equal(true)
    expect(which.content[0].text).to.contain('which one?').and.to.contain('94011').and.to.contain('94012')

    const set = await call(s, 'codegenapi_set_check_suite_settings', {repo: repo.full_name, check_retry_count: 7, ignored_checks: ['lint']})
    expect(set.isError, JSON.stringify(set.content)).to.not.equal(true)
    expect(set.structuredContent).to.deep.include({repo_id: repo.id, repo: repo.full_name, check_retry_count: 7, ignored_checks: ['lint']})
    const put = api.fake().requests.find((r) => r.method === 'PUT')!
    expect(put.body).to.deep.equal({check_retry_count: 7, ignored_checks: ['lint']})
    const got = await call(s, 'codegenapi_get_check_suite_settings', {repo: String(repo.id)})
    expect(got.structuredContent.check_retry_count).to.equal(7)
    const tooMany = await call(s, 'codegenapi_set_check_suite_settings', {repo: repo.full_name, check_retry_count: 11})
    expect(tooMany.isError).to.equal(true)

    const integ = await call(s, 'codegenapi_get_integrations')
    expect(integ.structuredContent).to.include({organization_id: 42, total_active_integrations: 3})
    expect(integ.structuredContent.oauth_connected).to.deep.equal(['github', 'slack', 'linear'])
    await s.close()
  })

  it('generate_setup_commands starts a paid run once and the server watches it', async () => {
    const s = await startMcp(api.env(), OPT_IN)
    const res = await call(s, 'codegenapi_generate_setup_commands', {repo: 'Zeeeepa/codegen.py', prompt: 'Use pnpm'})
    expect(res.isError, JSON.stringify(res.content)).to.not.equal(true)
    expect(res.structuredContent).to.include({status: 'ACTIVE', watching: true, source_type: 'SETUP_COMMANDS'})
    const posts = api.fake().requests.filter((r) => r.path.endsWith('/setup-commands/generate'))
    expect(posts).to.have.length(1)
    expect(posts[0].body.prompt).to.equal('Use pnpm')
    expect(api.fake().getRun(res.structuredContent.id)!.source_type).to.equal('SETUP_COMMANDS')
    await s.close()
  })
})
