import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {useFakeApi} from '../helpers/fake.js'
import {startMcp} from './session.js'

// Fault row: the API rate-limits the run monitor while it watches many runs. It slows down, keeps
// every run watched, and reports every completion.
describe('run monitor under the API rate limit', () => {
  const api = useFakeApi({rateLimits: {standard: {limit: 3, windowMs: 2000}}, runCount: 20})

  it('watches 150 runs through 429s and reports every completion', async function () {
    this.timeout(90_000)
    const ids = Array.from({length: 150}, () => api.fake().addRun({status: 'ACTIVE'}).id)
    const env = api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100'})
    const dir = path.join(env.XDG_STATE_HOME!, 'codegenapi')
    fs.mkdirSync(dir, {recursive: true, mode: 0o700})
    const now = new Date().toISOString()
    fs.writeFileSync(
      path.join(dir, 'runs.json'),
      JSON.stringify({
        version: 1,
        runs: Object.fromEntries(ids.map((id) => [id, {id, status: 'ACTIVE', prs: [], watched_since: now, watched: true}])),
      }),
      {mode: 0o600},
    )

    const s = await startMcp(env)
    await s.client.setLoggingLevel('info')
    // Runs finish a few at a time, so the monitor keeps polling into the API's limit.
    for (let i = 0; i < ids.length; i += 10) {
      for (const id of ids.slice(i, i + 10)) api.fake().setRunStatus(id, 'COMPLETE')
      await new Promise((r) => setTimeout(r, 300))
    }
    const reported = new Set<number>()
    for (let i = 0; i < 600 && reported.size < ids.length; i++) {
      for (const n of s.notifications) {
        const m = /Agent run (\d+) is COMPLETE/.exec(String(n.params?.data ?? ''))
        if (m) reported.add(Number(m[1]))
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    const limited = api.fake().requests.filter((r) => r.status === 429).length
    await s.close()
    expect(limited, '429 answers from the API').to.be.greaterThan(0)
    expect(
      ids.filter((id) => !reported.has(id)),
      'runs never reported',
    ).to.deep.equal([])
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'runs.json'), 'utf8')).runs
    expect(
      ids.filter((id) => state[id].status !== 'COMPLETE'),
      'runs not recorded as COMPLETE',
    ).to.deep.equal([])
  })
})
