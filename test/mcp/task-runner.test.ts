import {expect} from 'chai'
import {AgentRunSchema} from '../../src/api/schemas.js'
import {createApp} from '../../src/mcp/server.js'
import {followTask, type TaskSink} from '../../src/mcp/task-runner.js'
import {useFakeApi} from '../helpers/fake.js'
import {createTestIO} from '../helpers/in-process.js'

// A task follows its run through the monitor's polls. Whatever happens to the run while the task is
// being set up (between starting or following the run and listening to the polls) must still end the
// task: no poll comes again for a run the monitor no longer watches.
describe('MCP task runner', () => {
  const api = useFakeApi({runDurationMs: 600_000})

  it('a run the monitor stops watching while its task is being set up fails the task, saying why', async () => {
    const io = createTestIO({env: api.env(), cwd: api.box().home})
    const runtime = await createApp({io, version: '0.0.0-test'})
    const {app} = runtime
    const run = api.fake().addRun({status: 'ACTIVE'})
    // Known to the monitor as the API returned it (as after codegenapi_new), and watched.
    app.monitor.watch(AgentRunSchema().parse(run), {reporting: false})
    const def = app.taskTools.find((t) => t.name === 'codegenapi_run')!
    const stored: {status: string; text: string}[] = []
    const sink: TaskSink = {
      // The first status update is where the task waits before it listens: the monitor lets go of the run then.
      async updateTaskStatus() {
        if (app.monitor.isWatched(run.id)) app.monitor.unwatch(run.id, 'dropped by the test')
      },
      async storeTaskResult(_taskId, status, result) {
        stored.push({status, text: result.content.map((c) => ('text' in c ? c.text : '')).join('\n')})
      },
    }
    let timer: NodeJS.Timeout | undefined
    try {
      // Without the fix the task waits for a poll that never comes: fail in 5 s, and stop the server either way.
      const stuck = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('the task never ended')), 5000)))
      await Promise.race([followTask(app, def, 'task-1', sink, {runId: run.id}), stuck])
    } finally {
      clearTimeout(timer)
      await runtime.stop()
    }
    expect(stored).to.have.length(1)
    expect(stored[0].status).to.equal('failed')
    expect(stored[0].text).to.contain(`Agent run ${run.id} is no longer watched (dropped by the test)`)
  })
})
