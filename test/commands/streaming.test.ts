import {expect} from 'chai'
import {BIN, allOutputs} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'
import {spawnTracked} from '../helpers/processes.js'

// list --limit 5000 prints page by page: the first rows are out while later pages are still coming.
describe('list streams its human output', () => {
  const api = useFakeApi({runCount: 300})

  it('prints the first page before the next pages are fetched', async () => {
    const listPath = `/v1/organizations/${api.fake().orgId}/agent/runs`
    api.fake().inject({method: 'GET', path: listPath, kind: 'delay', delayMs: 0})
    api.fake().inject({method: 'GET', path: listPath, kind: 'delay', delayMs: 3000})
    const child = spawnTracked(process.execPath, [BIN, 'list', '--limit', '5000'], {env: api.env(), stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    const requestsAtFirstOutput = await new Promise<number>((resolve) => {
      child.stdout.once('data', (chunk) => {
        out += chunk
        resolve(api.fake().requests.filter((r) => r.path === listPath).length)
      })
    })
    child.stdout.on('data', (chunk) => (out += chunk))
    const code = await new Promise((resolve) => child.on('close', resolve))
    allOutputs.push({args: ['list', '--limit', '5000'], text: out})
    expect(code).to.equal(0)
    expect(requestsAtFirstOutput, 'list requests made when the first line was printed').to.be.below(3)
    expect(out.trim().split('\n')).to.have.length(api.fake().runs.length + 1)
  })
})
