import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {maskSecret, redactSecret, Redactor} from '../../src/api/redact.js'
import {withFileLock} from '../../src/services/files.js'
import {assertMayWrite, checkTransport, isLoopbackHost, projectSearchDirs, refusal} from '../../src/services/trust.js'

describe('trust rules', () => {
  it('loopback: localhost, 127.0.0.0/8 and ::1 only, not lookalikes', () => {
    for (const h of ['localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '127.1.2.3', '::1', '[::1]'])
      expect(isLoopbackHost(h), h).to.equal(true)
    for (const h of [
      '127.evil.com',
      '127.0.0.1.evil.com',
      'localhost.evil.com',
      '0.0.0.0',
      '10.0.0.1',
      '127.0.0.256',
      'evil-localhost',
      '::2',
    ])
      expect(isLoopbackHost(h), h).to.equal(false)
  })

  it('plain http only to this machine, from any source', () => {
    expect(checkTransport('http://127.0.0.1:8111')).to.equal('http://127.0.0.1:8111')
    expect(checkTransport('https://example.com')).to.equal('https://example.com')
    expect(() => checkTransport('http://127.0.0.1.evil.com')).to.throw('plain http')
  })

  it('a project file: no token, no base-url but exactly the default; the user may set both', () => {
    expect(refusal('api-token', 'project', 'x', 'f')).to.contain('Ignoring the API token')
    expect(refusal('base-url', 'project', 'https://api.codegen.com', 'f')).to.equal(undefined)
    expect(refusal('base-url', 'project', 'https://api.codegen.com.evil.com', 'f')).to.contain('cannot change where the API token is sent')
    expect(refusal('org-id', 'project', 5, 'f')).to.equal(undefined)
    for (const source of ['flag', 'env', 'user'] as const) expect(refusal('base-url', source, 'https://x.example', 'f')).to.equal(undefined)
  })

  it('MCP may change org-id only', () => {
    expect(() => assertMayWrite('mcp', 'org-id', 'set')).not.to.throw()
    expect(() => assertMayWrite('mcp', 'base-url', 'set')).to.throw('through MCP')
    expect(() => assertMayWrite('mcp', 'api-token', 'unset')).to.throw('removed through MCP')
    expect(() => assertMayWrite('cli', 'api-token', 'unset')).not.to.throw()
  })

  describe('project search', () => {
    let base: string
    beforeEach(() => (base = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenapi-trust-'))))
    afterEach(() => fs.rmSync(base, {recursive: true, force: true}))

    it('stops at the git root, and never includes the temp directory or /', () => {
      // A "temp directory" that is itself a repository root: still never searched.
      const tmp = path.join(base, 'tmp')
      fs.mkdirSync(path.join(tmp, '.git'), {recursive: true})
      const cwd = path.join(tmp, 'a', 'b')
      fs.mkdirSync(cwd, {recursive: true})
      expect(projectSearchDirs(cwd, {tmpDir: tmp})).to.deep.equal([cwd, path.join(tmp, 'a')])
      expect(projectSearchDirs(tmp, {tmpDir: tmp})).to.deep.equal([])
      expect(projectSearchDirs('/')).to.deep.equal([])
      // Outside a repository: the working directory alone.
      const loose = path.join(base, 'loose', 'deep')
      fs.mkdirSync(loose, {recursive: true})
      expect(projectSearchDirs(loose, {tmpDir: tmp})).to.deep.equal([loose])
    })
  })

  it('masks a secret as sent, JSON-escaped and URL-encoded', () => {
    const secret = 'sk/abc+def"ghi=123456'
    const mask = maskSecret(secret)!
    expect(mask).to.equal('****3456')
    expect(redactSecret(`a ${secret} b`, secret)).to.equal(`a ${mask} b`)
    expect(redactSecret(JSON.stringify({t: secret}), secret)).to.equal(JSON.stringify({t: mask}))
    expect(redactSecret(`?t=${encodeURIComponent(secret)}`, secret)).to.equal(`?t=${mask}`)
    const r = new Redactor()
    r.add(secret)
    r.add('abc') // too short to be a token: not masked
    expect(r.value({nested: [`x${secret}`], n: 1})).to.deep.equal({nested: [`x${mask}`], n: 1})
    expect(r.text('abc')).to.equal('abc')
  })

  describe('file lock', () => {
    let dir: string
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenapi-lock-'))))
    afterEach(() => fs.rmSync(dir, {recursive: true, force: true}))

    it('runs holders one at a time and removes the lock after', async () => {
      const file = path.join(dir, 'f.json')
      const order: string[] = []
      let release!: () => void
      const held = new Promise<void>((resolve) => (release = resolve))
      const first = withFileLock(file, async () => {
        order.push('first in')
        await held
        order.push('first out')
      })
      // The second waits for the first, whatever the timing.
      await new Promise<void>((resolve) => {
        const check = () => (fs.existsSync(`${file}.lock`) ? resolve() : setImmediate(check))
        check()
      })
      const second = withFileLock(file, async () => order.push('second'))
      release()
      await Promise.all([first, second])
      expect(order).to.deep.equal(['first in', 'first out', 'second'])
      expect(fs.readdirSync(dir)).to.deep.equal([])
    })

    it('takes over a lock left by a process that died, and waits for a live one up to its timeout', async () => {
      const file = path.join(dir, 'f.json')
      fs.writeFileSync(`${file}.lock`, `2147483646 ${os.hostname()}\n`)
      expect(await withFileLock(file, async () => 'ran')).to.equal('ran')
      fs.writeFileSync(`${file}.lock`, `${process.pid} ${os.hostname()}\n`)
      let error: Error | undefined
      await withFileLock(file, async () => 'ran', {timeoutMs: 50}).catch((e: Error) => (error = e))
      expect(error?.message).to.contain('locked by another codegenapi process')
    })
  })
})
