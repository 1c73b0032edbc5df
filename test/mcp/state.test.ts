import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {readRunState, StateStore, type RunRecord} from '../../src/services/state.js'

const record = (id: number, patch: Partial<RunRecord> = {}): RunRecord => ({
  id,
  status: 'ACTIVE',
  prs: [],
  watched_since: new Date().toISOString(),
  last_seen: new Date().toISOString(),
  watched: true,
  ...patch,
})

describe('run state store', () => {
  let dir: string
  let file: string
  let logs: string[]
  const log = (level: string, message: string) => logs.push(`${level}: ${message}`)

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenapi-state-'))
    file = path.join(dir, 'state', 'runs.json')
    logs = []
  })
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}))

  it('writes the file atomically with mode 0600 in a 0700 directory, and reads it back', async () => {
    const store = new StateStore(file, log)
    await store.load()
    store.put(record(1, {result: 'done', prs: [{title: 'Fix', url: 'https://github.com/a/b/pull/1'}]}))
    store.put(record(2, {status: 'COMPLETE', watched: false}))
    await store.flush()
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600)
    expect(fs.statSync(path.dirname(file)).mode & 0o777).to.equal(0o700)
    expect(fs.readdirSync(path.dirname(file))).to.deep.equal(['runs.json'])

    const again = new StateStore(file, log)
    await again.load()
    expect(again.get(1)?.result).to.equal('done')
    expect(again.get(1)?.prs[0].url).to.equal('https://github.com/a/b/pull/1')
    expect(again.active().map((r) => r.id)).to.deep.equal([1])
    expect((await readRunState({CODEGENAPI_STATE_DIR: path.dirname(file)})).map((r) => r.id).sort()).to.deep.equal([1, 2])
    expect(logs).to.deep.equal([])
  })

  it('starts empty on a corrupt file, says so naming the file, and keeps the file aside', async () => {
    fs.mkdirSync(path.dirname(file), {recursive: true})
    fs.writeFileSync(file, '{"version": 1, "runs": {"1": {"id": 1,')
    const store = new StateStore(file, log)
    await store.load()
    expect(store.list()).to.deep.equal([])
    expect(logs).to.have.length(1)
    expect(logs[0]).to.include(file).and.include('not valid JSON')
    const aside = fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith('runs.json.corrupt-'))
    expect(aside).to.have.length(1)
    store.put(record(7))
    await store.flush()
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).runs['7'].id).to.equal(7)
  })

  it('starts empty on a file that holds something else', async () => {
    fs.mkdirSync(path.dirname(file), {recursive: true})
    fs.writeFileSync(file, '[1, 2, 3]')
    const store = new StateStore(file, log)
    await store.load()
    expect(store.list()).to.deep.equal([])
    expect(logs.join('\n')).to.include(file).and.include('does not hold codegenapi run state')
  })

  it('starts empty when the file cannot be read, naming it', async () => {
    fs.mkdirSync(file, {recursive: true}) // a directory where the file should be: EISDIR
    const store = new StateStore(file, log)
    await store.load()
    expect(store.list()).to.deep.equal([])
    expect(logs.join('\n')).to.include(`Cannot read the state file ${file}`)
    store.put(record(3))
    let failure: Error | undefined
    await store.flush().catch((error: Error) => (failure = error))
    expect(failure?.message).to.include(`Could not write the state file ${file}`)
    expect(fs.readdirSync(path.dirname(file)), 'no temporary or lock file left').to.deep.equal(['runs.json'])
  })

  it('merges with what another process wrote meanwhile, record by record', async () => {
    const a = new StateStore(file, log)
    const b = new StateStore(file, log)
    await a.load()
    await b.load()
    a.put(record(1))
    await a.flush()
    b.put(record(2))
    await b.flush()
    // b's write kept a's record; a newer record of run 1 from a wins over b's copy.
    a.put(record(1, {status: 'COMPLETE', watched: false, last_seen: new Date(Date.now() + 1000).toISOString()}))
    await a.flush()
    const c = new StateStore(file, log)
    await c.load()
    expect(
      c
        .list()
        .map((r) => r.id)
        .sort(),
    ).to.deep.equal([1, 2])
    expect(c.get(1)?.status).to.equal('COMPLETE')
  })

  it('reads the file again before a write only when another process replaced it since this one read or wrote it', async () => {
    const a = new StateStore(file, log)
    await a.load()
    a.put(record(1))
    await a.flush()
    // Changed in place, keeping its inode, size and time: not a write of a store (they replace the file), so a's next write does not look.
    const stat = fs.statSync(file)
    const text = fs.readFileSync(file, 'utf8')
    fs.writeFileSync(file, text.replace('"ACTIVE"', '"PAUSED"'))
    fs.utimesSync(file, stat.atimeMs / 1000, stat.mtimeMs / 1000)
    a.put(record(2))
    await a.flush()
    const after = JSON.parse(fs.readFileSync(file, 'utf8')) as {runs: Record<string, RunRecord>}
    expect(after.runs['1'].status, 'the change in place').to.equal('ACTIVE')
    // Another store's write replaces the file: a's next write merges it.
    const b = new StateStore(file, log)
    await b.load()
    b.put(record(3))
    await b.flush()
    a.put(record(4))
    await a.flush()
    const c = new StateStore(file, log)
    await c.load()
    expect(c.list().map((r) => r.id)).to.have.members([1, 2, 3, 4])
  })

  it('survives concurrent writes from many stores: every file read is whole', async () => {
    const stores = Array.from({length: 8}, () => new StateStore(file, log, 0))
    await Promise.all(stores.map((s) => s.load()))
    await Promise.all(
      stores.map(async (s, i) => {
        for (let n = 0; n < 5; n++) {
          s.put(record(i * 10 + n + 1))
          await s.flush()
          JSON.parse(fs.readFileSync(file, 'utf8'))
        }
      }),
    )
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'))
    expect(Object.keys(doc.runs).length).to.be.greaterThan(0)
    expect(fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp'))).to.deep.equal([])
  })
})
