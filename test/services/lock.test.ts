import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {claim, withLock} from '../../src/services/lock.js'

describe('state directory locks', () => {
  let dir: string
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenapi-lock-'))))
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}))

  it('serializes holders: the second runs only after the first released it', async () => {
    const lock = path.join(dir, 'runs.json.lock')
    const order: string[] = []
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const first = withLock(lock, async () => {
      order.push('first in')
      await held
      order.push('first out')
    })
    await new Promise<void>((resolve) => {
      const check = () => (fs.existsSync(lock) ? resolve() : setImmediate(check))
      check()
    })
    const second = withLock(lock, async () => void order.push('second'))
    release()
    await Promise.all([first, second])
    expect(order).to.deep.equal(['first in', 'first out', 'second'])
    expect(fs.existsSync(lock)).to.equal(false)
  })

  it('breaks a lock whose process is gone', async () => {
    const lock = path.join(dir, 'runs.json.lock')
    fs.writeFileSync(lock, JSON.stringify({pid: 2 ** 22 + 12345, expires: Date.now() + 60_000, token: 'x'}))
    expect(await withLock(lock, async () => 'ran', {timeoutMs: 2000})).to.equal('ran')
  })

  it('a claim is made once', async () => {
    const file = path.join(dir, 'reports', '7061.json')
    expect(await claim(file, {child: 7061})).to.equal(true)
    expect(await claim(file, {child: 7061})).to.equal(false)
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).to.include({child: 7061, pid: process.pid})
  })
})
