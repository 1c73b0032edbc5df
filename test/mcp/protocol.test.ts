import {expect} from 'chai'
import {useFakeApi} from '../helpers/fake.js'
import {callTool, closeRawSessions, startRaw, type RawSession} from './raw.js'

// Protocol behaviour as spec 2025-11-25 says, spoken line by line on stdio (findings F-2, F-20,
// F-21, F-24, F-25, F-26, F-27): the server in this process (raw.ts), and the built binary where the
// framing of its real stdin and stdout is the point. Runs created here stay ACTIVE until a test finishes them.

const TASKS = {tasks: {requests: {tools: {call: {}}}}}
const ALL = ['--toolsets', 'all']

const creates = (api: ReturnType<typeof useFakeApi>) =>
  api.fake().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/agent/run'))

/** The run a task works on, from its first status notification. */
async function taskRun(s: RawSession, taskId: string): Promise<number> {
  const status = await s.next(
    (m) => m.method === 'notifications/tasks/status' && m.params.taskId === taskId && /Agent run \d+/.test(m.params.statusMessage ?? ''),
  )
  return Number(/Agent run (\d+)/.exec(status.params.statusMessage)![1])
}

describe('mcp serve: protocol (spec 2025-11-25)', function () {
  closeRawSessions()
  const api = useFakeApi({runDurationMs: 10 * 60_000})
  const env = (extra: Record<string, string> = {}) => api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100', ...extra})

  it('F-2: a task call to a tool that forbids tasks is -32601 and starts nothing', async () => {
    const s = await startRaw(env(), [], TASKS)
    s.send(callTool(1, 'codegenapi_new', {query: 'task call', repo_id: 3001}, {task: {}}))
    const answer = await s.response(1)
    expect(answer.error).to.include({code: -32601})
    expect(answer.error.message).to.include('codegenapi_new').and.include('task').and.not.include('MCP error')
    // Anything the call started would be recorded by now: a later request is answered after it.
    s.send({jsonrpc: '2.0', id: 2, method: 'ping'})
    await s.response(2)
    expect(creates(api)).to.deep.equal([])
  })

  it('F-20: codegenapi_run is optional-task: a plain call starts the run, waits within the deadline and returns id and status', async () => {
    const s = await startRaw(env({CODEGENAPI_TOOL_DEADLINE_MS: '2500'}), [])
    s.send({jsonrpc: '2.0', id: 1, method: 'tools/list'})
    const {result} = await s.response(1)
    const run = result.tools.find((t: any) => t.name === 'codegenapi_run')
    expect(run.execution).to.deep.equal({taskSupport: 'optional'})
    const started = Date.now()
    s.send(callTool(2, 'codegenapi_run', {query: 'plain call', repo_id: 3001}))
    const answer = await s.response(2)
    expect(Date.now() - started, 'answered within the deadline').to.be.below(2500)
    expect(answer.result.isError, JSON.stringify(answer.result.content)).to.not.equal(true)
    const id = answer.result.structuredContent.id
    expect(answer.result.structuredContent).to.include({status: 'ACTIVE', finished: false})
    expect(creates(api)).to.have.length(1)
    expect(api.fake().runs.map((r) => r.id)).to.include(id)
    expect(answer.result.content.map((c: any) => c.text).join('\n')).to.include('codegenapi_wait_for_agent_run')
  })

  it('F-20: a plain codegenapi_run call returns the result when the run ends within the wait', async () => {
    const fake = api.fake()
    const before = new Set(fake.runs.map((r) => r.id))
    const s = await startRaw(env(), [])
    s.send(callTool(1, 'codegenapi_run', {query: 'quick one', repo_id: 3001}))
    // The run exists once the fake has it (its journal, looked at until then).
    while (!fake.runs.some((r) => !before.has(r.id))) await new Promise((resolve) => setTimeout(resolve, 20))
    const run = fake.runs.find((r) => !before.has(r.id))!
    fake.setRunStatus(run.id, 'COMPLETE', {result: 'All done'})
    const answer = await s.response(1)
    expect(answer.result.structuredContent).to.include({id: run.id, status: 'COMPLETE', result: 'All done'})
  })

  it('F-21: a task call with bad arguments is -32602 with a readable message, and starts nothing', async () => {
    const s = await startRaw(env(), [], TASKS)
    s.send(callTool(1, 'codegenapi_run', {query: ''}, {task: {}}))
    const answer = await s.response(1)
    expect(answer.error.code).to.equal(-32602)
    expect(answer.error.message).to.match(/^Invalid arguments for codegenapi_run: query: /)
    expect(answer.error.message).to.not.include('"expected"').and.not.include('\n')
    expect(creates(api)).to.deep.equal([])
  })

  it('F-21: a completed task says the final status; tasks/result of a cancelled task is the cancellation', async () => {
    const fake = api.fake()
    const s = await startRaw(env(), [], TASKS)
    s.send(callTool(1, 'codegenapi_run', {query: 'to complete', repo_id: 3001}, {task: {ttl: 60_000}}))
    const done = (await s.response(1)).result.task.taskId
    const doneRun = await taskRun(s, done)
    fake.setRunStatus(doneRun, 'COMPLETE', {result: 'Finished'})
    const completed = await s.next(
      (m) => m.method === 'notifications/tasks/status' && m.params.taskId === done && m.params.status === 'completed',
    )
    expect(completed.params.statusMessage).to.include('COMPLETE').and.not.include('ACTIVE')
    s.send({jsonrpc: '2.0', id: 2, method: 'tasks/get', params: {taskId: done}})
    expect((await s.response(2)).result).to.include({status: 'completed'})
    expect((await s.response(2)).result.statusMessage).to.include('COMPLETE')

    s.send(callTool(3, 'codegenapi_run', {query: 'to cancel', repo_id: 3001}, {task: {}}))
    const cancelled = (await s.response(3)).result.task.taskId
    const cancelledRun = await taskRun(s, cancelled)
    s.send({jsonrpc: '2.0', id: 4, method: 'tasks/cancel', params: {taskId: cancelled}})
    expect((await s.response(4)).result).to.include({status: 'cancelled'})
    s.send({jsonrpc: '2.0', id: 5, method: 'tasks/result', params: {taskId: cancelled}})
    const result = await s.response(5)
    expect(result.error, JSON.stringify(result.error)).to.equal(undefined)
    expect(result.result.isError).to.equal(true)
    expect(result.result.content[0].text).to.include('cancelled').and.include(`Agent run ${cancelledRun}`)
  })

  it('F-26: unknown tool, bad params, bad JSON, batches and jsonrpc 1.0 each get an error response', async () => {
    // The built binary: its real stdin and stdout frame the lines.
    const s = await startRaw(env(), [], {}, {spawn: true})
    s.send(callTool(1, 'nope', {}))
    s.send({jsonrpc: '2.0', id: 2, method: 'logging/setLevel', params: {level: 'verbose'}})
    s.send('this is not json')
    s.send([{jsonrpc: '2.0', id: 4, method: 'ping'}])
    s.send({jsonrpc: '1.0', id: 5, method: 'ping'})
    s.send({jsonrpc: '2.0', id: 6, method: 'ping'})
    const unknown = await s.response(1)
    expect(unknown.error.code).to.equal(-32602)
    expect(unknown.error.message).to.match(/^Unknown tool: nope\./)
    const level = await s.response(2)
    expect(level.error.code).to.equal(-32602)
    expect(level.error.message).to.include('level').and.not.include('\n')
    await s.response(6)
    const anonymous = s.messages.filter((m) => m.id === null).map((m) => m.error.code)
    expect(anonymous).to.deep.equal([-32700, -32600])
    expect((await s.response(5)).error.code).to.equal(-32600)
    expect(s.messages.filter((m) => m.id === 4)).to.deep.equal([])
  })

  it('F-26: invalid arguments of a plain call are a tool error with a one-line message (SEP-1303)', async () => {
    const s = await startRaw(env(), [])
    s.send(callTool(1, 'codegenapi_get_agent_run', {agent_run_id: 'abc'}))
    const answer = await s.response(1)
    expect(answer.result.isError).to.equal(true)
    expect(answer.result.content[0].text).to.match(/^Invalid arguments for codegenapi_get_agent_run: agent_run_id: /)
    expect(answer.result.content[0].text).to.not.include('\n')
  })

  it('F-25: tools.listChanged is not advertised (the tool list never changes)', async () => {
    const s = await startRaw(env(), [])
    const init = s.messages.find((m) => m.id === 'init')
    expect(init.result.capabilities.tools).to.deep.equal({listChanged: false})
  })

  it('F-27: the first text block is the serialized structuredContent', async () => {
    const s = await startRaw(env(), ALL)
    s.send(callTool(1, 'codegenapi_list', {limit: 3}))
    s.send(callTool(2, 'codegenapi_get_users', {limit: 3}))
    for (const id of [1, 2]) {
      const {result} = await s.response(id)
      expect(JSON.parse(result.content[0].text)).to.deep.equal(result.structuredContent)
    }
    const list = (await s.response(1)).result
    expect(list.content[0].text).to.include(list.structuredContent.runs[0].web_url)
  })

  it('F-24: a task and its result survive a restart of the server', async () => {
    const fake = api.fake()
    const first = await startRaw(env(), [], TASKS)
    first.send(callTool(1, 'codegenapi_run', {query: 'across a restart', repo_id: 3001}, {task: {}}))
    const taskId = (await first.response(1)).result.task.taskId
    const run = await taskRun(first, taskId)
    await first.close()

    const second = await startRaw(env(), [], TASKS)
    second.send({jsonrpc: '2.0', id: 1, method: 'tasks/get', params: {taskId}})
    expect((await second.response(1)).result).to.include({taskId, status: 'working'})
    fake.setRunStatus(run, 'COMPLETE', {result: 'Survived'})
    // tasks/result waits for the task to end.
    second.send({jsonrpc: '2.0', id: 2, method: 'tasks/result', params: {taskId}})
    const result = (await second.response(2)).result
    expect(result.structuredContent).to.include({id: run, status: 'COMPLETE', result: 'Survived'})
    await second.close()

    // And a third server still has the finished task's result.
    const third = await startRaw(env(), [], TASKS)
    third.send({jsonrpc: '2.0', id: 1, method: 'tasks/result', params: {taskId}})
    expect((await third.response(1)).result.structuredContent).to.include({id: run, status: 'COMPLETE'})
  })
})
