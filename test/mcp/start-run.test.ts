import {expect} from 'chai'
import {CallToolResultSchema} from '@modelcontextprotocol/sdk/types.js'
import {useFakeApi} from '../helpers/fake.js'
import {startMcp, textOf, type McpSession} from './session.js'

// codegenapi_new and codegenapi_resume against the fake's request journal: nothing is sent that the
// model no longer waits for, nothing is sent that it did not mean, and every hint names tools.

async function call(s: McpSession, name: string, args: Record<string, unknown> = {}, options = {}): Promise<any> {
  return s.client.callTool({name, arguments: args}, CallToolResultSchema, options)
}

/** The create requests the fake received. */
const createsOf = (api: ReturnType<typeof useFakeApi>) => () =>
  api.fake().requests.filter((r) => r.method === 'POST' && /\/agent\/run$/.test(r.path))

/**
 * "two" went out once and was refused 429; after the deadline or the cancel it was never sent again.
 * ("three" may itself meet a 429 first on a slow machine, and is then sent again: that is not a create.)
 */
function expectTwoNeverResent(posts: ReturnType<typeof createsOf>): void {
  expect(
    posts()
      .filter((r) => r.body.prompt === 'two')
      .map((r) => r.status),
  ).to.deep.equal([429])
  expect(
    posts()
      .filter((r) => r.status !== 429)
      .map((r) => r.body.prompt),
  ).to.deep.equal(['one', 'three'])
}

describe('mcp: starting runs', function () {
  describe('a create queued behind a 429, past the tool deadline (F-1)', () => {
    // One create a second: the second create is answered 429 with Retry-After: 1, and the client holds
    // it for that second, longer than the 0.8 s deadline; the third waits for the same hold.
    const api = useFakeApi({runDurationMs: 60_000, rateLimits: {create: {limit: 1, windowMs: 1000}}})
    const posts = createsOf(api)

    it('is answered as not finished, and never sent later', async () => {
      const s = await startMcp(api.env({CODEGENAPI_TOOL_DEADLINE_MS: '800'}))
      // Warm up (configuration, HTTP client) so the creates below are quick. On a busy machine this first
      // call can itself miss the 0.8 s deadline; the next one finds everything loaded.
      for (let i = 0; (await call(s, 'codegenapi_get_current_user')).isError; i++)
        expect(i, 'the warm-up call never answered').to.be.below(4)
      const first = await call(s, 'codegenapi_new', {query: 'one'})
      expect(first.isError, textOf(first)).to.not.equal(true)
      const second = await call(s, 'codegenapi_new', {query: 'two'})
      expect(second.isError).to.equal(true)
      expect(textOf(second)).to.contain('did not finish within 0.8 s')
      expect(posts().map((r) => r.status)).to.deep.equal([200, 429])
      // The next create waits for the same hold: a stale "two" would go out with it.
      const third = await call(s, 'codegenapi_new', {query: 'three'})
      expectTwoNeverResent(posts)
      expect(third.isError, textOf(third)).to.not.equal(true)
      expect(api.fake().runs.filter((r) => r.metadata?.source === 'codegenapi')).to.have.length(2)
      await s.close()
    })
  })

  describe('a create on the wire at the tool deadline (F-1, F-7)', () => {
    const api = useFakeApi({runDurationMs: 60_000})

    it('says the run may have been created (not "try again"), and watches the run when the answer comes', async () => {
      const fake = api.fake()
      fake.inject({method: 'POST', path: /\/agent\/run$/, kind: 'delay', delayMs: 1500})
      // codegenapi_watch is in the watch toolset, not the default one.
      const s = await startMcp(api.env({CODEGENAPI_TOOL_DEADLINE_MS: '800'}), ['--toolsets', 'all'])
      const r = await call(s, 'codegenapi_new', {query: 'slow create'})
      expect(r.isError).to.equal(true)
      expect(textOf(r)).to.contain('may have been created').and.to.contain('codegenapi_list')
      expect(textOf(r)).not.to.contain('try again in a minute')
      const run = fake.runs[0]
      expect(run.metadata?.client_request_id).to.be.a('string')
      // The late answer is recorded: the run shows up among the watched runs.
      for (;;) {
        const watched = await call(s, 'codegenapi_watch')
        if (JSON.stringify(watched.structuredContent ?? {}).includes(`"id":${run.id}`)) break
      }
      expect(fake.requests.filter((q) => q.method === 'POST')).to.have.length(1)
      await s.close()
    })
  })

  describe('a create queued behind a 429, cancelled by the client (F-1)', () => {
    const api = useFakeApi({runDurationMs: 60_000, rateLimits: {create: {limit: 1, windowMs: 3000}}})
    const posts = createsOf(api)

    it('cancelled by the client (notifications/cancelled): never sent later', async () => {
      const s = await startMcp(api.env())
      expect((await call(s, 'codegenapi_new', {query: 'one'})).isError).to.not.equal(true)
      const controller = new AbortController()
      const cancelled = call(s, 'codegenapi_new', {query: 'two'}, {signal: controller.signal}).then(
        () => undefined,
        (e: Error) => e,
      )
      await new Promise<void>((resolve) => {
        // Cancelled once the API has answered it 429, while the client holds it for Retry-After.
        const poll = setInterval(() => posts()[1]?.status === 429 && (clearInterval(poll), resolve()), 5)
      })
      controller.abort()
      expect(await cancelled).to.be.instanceOf(Error)
      const third = await call(s, 'codegenapi_new', {query: 'three'})
      expect(third.isError, textOf(third)).to.not.equal(true)
      expectTwoNeverResent(posts)
      await s.close()
    })
  })

  describe('inputs and hints', () => {
    const api = useFakeApi({runDurationMs: 60_000})
    const writes = () => api.fake().requests.filter((r) => r.method === 'POST')

    it('refuses, sending nothing: reserved metadata keys, empty arguments, unknown tasks, unknown parents', async () => {
      const s = await startMcp(api.env())
      const cases: [Record<string, unknown>, RegExp][] = [
        // F-5, F-6: a parent only through parent_run_id.
        [{metadata: {parent_run_id: '7059'}}, /"parent_run_id" is reserved/],
        [{metadata: {parent_run_id: '99999999999'}}, /"parent_run_id" is reserved/],
        // F-46
        [{metadata: {source: 'me'}}, /"source" is reserved/],
        [{metadata: {repo: 'foo/bar'}}, /"repo" is reserved/],
        // F-10
        [{repo: ''}, /repository name is empty/],
        [{branch: ' '}, /branch name is empty/],
        [{model: ''}, /model name is empty/],
        [{task: ''}, /task is empty/],
        // F-11: the templates, or task_label; named as tool arguments (F-19).
        [{task: 'fxi'}, /Unknown task "fxi"[\s\S]*Use task with one of CREATE_PLAN[\s\S]*task_label/],
        [{task: 'FIX', task_label: 'MINE'}, /not both/],
        // F-45
        [{parent_run_id: 99_999}, /Parent agent run 99999 was not found/],
        // F-19: an unknown repository with no close names, and an unknown repo_id.
        [
          {repo: 'qqqqqqqq/zzzzzzzzzzzz'},
          /is not in organization[\s\S]*codegenapi_list_repos[\s\S]*ask the user for the repository as OWNER\/NAME/,
        ],
        [{repo_id: 999_999}, /Repository id 999999 is not in organization[\s\S]*codegenapi_list_repos/],
      ]
      for (const [args, message] of cases) {
        const r = await call(s, 'codegenapi_new', {query: 'x', ...args})
        expect(r.isError, JSON.stringify(args)).to.equal(true)
        expect(textOf(r), JSON.stringify(args)).to.match(message)
        expect(textOf(r)).not.to.match(/--[a-z]|codegenapi (new|list|get)\b/)
      }
      expect(writes()).to.have.length(0)
      await s.close()
    })

    it('task_label sends a label of your own', async () => {
      const s = await startMcp(api.env())
      const r = await call(s, 'codegenapi_new', {query: 'x', task_label: 'triage'})
      expect(r.isError, textOf(r)).to.not.equal(true)
      expect(writes()[0].body.prompt).to.match(/^Task: TRIAGE\n/)
      await s.close()
    })

    // F-19
    it('resume hints name tools and their arguments, never CLI commands or flags', async () => {
      const fake = api.fake()
      const active = fake.runs.find((r) => r.status === 'ACTIVE')!
      const failed = fake.runs.find((r) => r.status === 'FAILED')!
      const done = fake.runs.find((r) => r.status === 'COMPLETE')!
      const s = await startMcp(api.env())
      const waiting = await call(s, 'codegenapi_resume', {agent_run_id: active.id, query: 'more'})
      expect(textOf(waiting)).to.contain(`codegenapi_wait_for_agent_run (agent_run_id ${active.id})`)
      const final = await call(s, 'codegenapi_resume', {agent_run_id: failed.id, query: 'more'})
      expect(textOf(final)).to.contain('codegenapi_new')
      fake.inject({method: 'POST', path: /\/resume$/, kind: 'reset-after'})
      const lost = await call(s, 'codegenapi_resume', {agent_run_id: done.id, query: 'more'})
      expect(lost.isError).to.equal(true)
      expect(textOf(lost)).to.contain('may have been resumed').and.to.contain(`codegenapi_get_agent_run with agent_run_id ${done.id}`)
      fake.inject({method: 'POST', path: /\/agent\/run$/, status: 504, body: '<html>Gateway Timeout</html>'})
      const unknown = await call(s, 'codegenapi_new', {query: 'x'})
      expect(textOf(unknown)).to.contain('may have been created').and.to.contain('codegenapi_list')
      for (const r of [waiting, final, lost, unknown]) {
        expect(r.isError).to.equal(true)
        expect(textOf(r)).not.to.match(/--[a-z]|`codegenapi |codegenapi (new|list|get)\b/)
      }
      await s.close()
    })

    // F-7 through MCP: a lost answer to a create is looked up, and the run is reported and watched.
    it('a create whose answer is lost is found by its client request id and watched', async () => {
      const fake = api.fake()
      fake.inject({method: 'POST', path: /\/agent\/run$/, kind: 'reset-after'})
      const s = await startMcp(api.env())
      const r = await call(s, 'codegenapi_new', {query: 'lost answer'})
      expect(r.isError, textOf(r)).to.not.equal(true)
      const run = fake.runs[0]
      expect(r.structuredContent).to.include({id: run.id, watching: true})
      expect(textOf(r)).to.contain(`created: ${run.id}`)
      expect(writes()).to.have.length(1)
      await s.close()
    })
  })
})
