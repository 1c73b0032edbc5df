import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {startFakeApi, type FakeApi} from '../fake-api/server.js'
import {fileStore, readJournal} from '../../src/sandbox/store.js'

// The sandbox's saved state (store.ts): several processes (here, two servers) on one file see each
// other's changes and lose none; an answer is sent only once its change is saved.

describe('sandbox state file', () => {
  let dir: string
  let file: string
  const servers: FakeApi[] = []
  const start = async () => {
    const api = await startFakeApi({store: fileStore(file), runDurationMs: 60_000})
    servers.push(api)
    return api
  }
  const call = async (api: FakeApi, p: string, body?: unknown) => {
    const res = await fetch(api.url + p, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {authorization: `Bearer ${api.token}`, 'content-type': 'application/json'},
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return await res.json()
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenapi-sandbox-'))
    file = path.join(dir, 'api.json')
  })
  afterEach(async () => {
    for (const api of servers.splice(0)) {
      expect(api.contractViolations).to.deep.equal([])
      await api.close()
    }
    fs.rmSync(dir, {recursive: true, force: true})
  })

  it('two sandboxes on one file: each sees the runs the other started, and concurrent creates lose none', async () => {
    const [a, b] = [await start(), await start()]
    const first = await call(a, '/v1/organizations/42/agent/run', {prompt: 'one'})
    expect((await call(b, `/v1/organizations/42/agent/run/${first.id}`)).id).to.equal(first.id)
    const created = await Promise.all(
      Array.from({length: 10}, (_, i) => call(i % 2 ? a : b, '/v1/organizations/42/agent/run', {prompt: `p${i}`})),
    )
    const ids = created.map((r) => r.id as number)
    expect(new Set(ids).size).to.equal(10)
    const listed = (await call(a, '/v1/organizations/42/agent/runs?limit=20')).items.map((r: any) => r.id)
    for (const id of [first.id, ...ids]) expect(listed).to.include(id)
  })

  it('an answer is sent once its change is saved (a CLI may exit as soon as it has it)', async () => {
    const api = await start()
    const run = await call(api, '/v1/organizations/42/agent/run', {prompt: 'saved first'})
    expect(fs.readFileSync(file, 'utf8')).to.contain('saved first')
    expect(readJournal(file).at(-1)).to.include({method: 'POST', status: 200, token: 'sandbox'})
    expect(run.status).to.equal('ACTIVE')
  })

  it('a damaged or foreign file is started over from the seed data', async () => {
    fs.writeFileSync(file, '{"version": 99, "state": {}}')
    const api = await start()
    expect((await call(api, '/v1/organizations/42/agent/runs?limit=1')).total).to.equal(60)
    fs.writeFileSync(file, 'not json')
    expect((await call(api, '/v1/organizations/42/agent/runs?limit=1')).total).to.equal(60)
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).version).to.equal(1)
  })
})
