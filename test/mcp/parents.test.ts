import {expect} from 'chai'
import {CallToolResultSchema} from '@modelcontextprotocol/sdk/types.js'
import {useFakeApi} from '../helpers/fake.js'
import {startMcp, textOf} from './session.js'

// Parent runs in the MCP server: the run monitor resumes a parent with its child's report, and
// codegenapi_watch lists watched runs with their parents.
describe('mcp serve: parent runs and codegenapi_watch', () => {
  const api = useFakeApi({runDurationMs: 10 * 60_000})
  const env = () => api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100'})
  const call = (s: Awaited<ReturnType<typeof startMcp>>, name: string, args: Record<string, unknown> = {}) =>
    s.client.callTool({name, arguments: args}, CallToolResultSchema) as Promise<any>
  const resumesOf = (id: number) =>
    api.fake().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/resume') && r.body?.agent_run_id === id)

  it('a child started with parent_run_id reports to its parent once the parent is COMPLETE', async () => {
    const parent = api.fake().runs.find((r) => r.status === 'ACTIVE')!
    const s = await startMcp(env(), ['--toolsets', 'all'])
    const started = await call(s, 'codegenapi_new', {query: 'child task', parent_run_id: parent.id})
    expect(started.isError, JSON.stringify(started.content)).to.not.equal(true)
    const childId = started.structuredContent.id
    expect(api.fake().getRun(childId)!.metadata).to.include({parent_run_id: parent.id})

    const listed = await call(s, 'codegenapi_watch')
    expect(listed.structuredContent.runs.find((r: any) => r.id === childId)).to.include({parent_run_id: parent.id, watched: true})

    api.fake().setRunStatus(childId, 'COMPLETE', {summary: 'Child done'})
    await s.notification(
      (n) => n.method === 'notifications/message' && String(n.params?.data).includes(`report to parent run ${parent.id} is queued`),
    )
    expect(resumesOf(parent.id)).to.have.length(0)

    api.fake().setRunStatus(parent.id, 'COMPLETE')
    await s.notification((n) => n.method === 'notifications/message' && String(n.params?.data).includes(`Resumed parent run ${parent.id}`))
    const resumes = resumesOf(parent.id)
    expect(resumes).to.have.length(1)
    expect(resumes[0].body.prompt).to.contain(`Report from child agent run ${childId}: COMPLETE`).and.to.contain('Summary: Child done')
    const after = await call(s, 'codegenapi_watch')
    expect(after.structuredContent.runs.find((r: any) => r.id === childId)).to.include({parent_report: 'sent'})
    expect(textOf(after)).to.contain(`parent ${parent.id} report sent`)
    await s.close()
  })

  it('codegenapi_watch starts watching a run given by id, and refuses a bad id', async () => {
    const active = api.fake().runs.find((r) => r.status === 'ACTIVE')!
    const s = await startMcp(env(), ['--toolsets', 'all'])
    const res = await call(s, 'codegenapi_watch', {agent_run_id: String(active.id)})
    expect(res.structuredContent.runs.map((r: any) => r.id)).to.include(active.id)
    const bad = await call(s, 'codegenapi_watch', {agent_run_id: 'abc'})
    expect(bad.isError).to.equal(true)
    await s.close()
  })
})
