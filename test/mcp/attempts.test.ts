import {expect} from 'chai'
import {CallToolResultSchema} from '@modelcontextprotocol/sdk/types.js'
import {useFakeApi} from '../helpers/fake.js'
import {startMcp, textOf, type McpSession} from './session.js'

// codegenapi_new with `attempts`: the same creates as `new --attempts` (one group, distinct client
// request ids), and a partial group is an error that names the runs that exist.

async function call(s: McpSession, args: Record<string, unknown>): Promise<any> {
  return s.client.callTool({name: 'codegenapi_new', arguments: args}, CallToolResultSchema)
}

describe('mcp: codegenapi_new with attempts', () => {
  const api = useFakeApi({runDurationMs: 60_000})
  const creates = () => api.fake().requests.filter((r) => r.method === 'POST' && /\/agent\/run$/.test(r.path))

  it('starts the group and returns it; a failing second attempt is an error naming the run created, not retried', async () => {
    const s = await startMcp(api.env())
    try {
      const ok = await call(s, {query: 'compare', attempts: 2})
      expect(ok.isError, textOf(ok)).to.not.equal(true)
      const {group} = ok.structuredContent
      expect(group.id).to.match(/^g-[0-9a-f]{8}$/)
      expect(group.runs.map((r: any) => r.attempt)).to.deep.equal([1, 2])
      expect(creates().map((r) => r.body.metadata.attempt_group)).to.deep.equal([group.id, group.id])
      expect(new Set(creates().map((r) => r.body.metadata.client_request_id)).size).to.equal(2)
      expect(ok.structuredContent.id).to.equal(group.runs[0].id)

      api.fake().inject({method: 'POST', path: /\/agent\/run$/, kind: 'delay', delayMs: 0})
      api.fake().inject({method: 'POST', path: /\/agent\/run$/, status: 402, body: {message: 'Out of credits', status_code: 402}})
      const partial = await call(s, {query: 'again', attempts: 3})
      expect(partial.isError).to.equal(true)
      const first = api.fake().runs[0].id
      expect(textOf(partial)).to.contain(`attempt 1: created agent run ${first}`).and.to.contain('attempt 3: not sent')
      expect(creates()).to.have.length(4)

      const tooMany = await call(s, {query: 'x', attempts: 5})
      expect(tooMany.isError).to.equal(true)
      expect(creates()).to.have.length(4)
    } finally {
      await s.close()
    }
  })
})
