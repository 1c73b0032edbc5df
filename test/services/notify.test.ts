import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {desktopNotifier, FinishNotifier, type Exec, type Notifier} from '../../src/services/notify.js'
import type {RunUpdate} from '../../src/services/monitor.js'
import type {RunRecord} from '../../src/domain/run.js'

describe('desktop notifications', () => {
  let dir: string
  const calls: {file: string; args: string[]; env?: NodeJS.ProcessEnv}[] = []
  const exec: Exec = (file, args, env) => {
    calls.push({file, args, env})
    return Promise.resolve()
  }
  /** A directory holding executables of these names, as PATH. */
  const pathWith = (...names: string[]) => {
    for (const n of names) fs.writeFileSync(path.join(dir, n), '#!/bin/sh\n', {mode: 0o755})
    return dir
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenapi-notify-'))
    calls.length = 0
  })
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}))

  it('Linux: notify-send, the text as arguments after --', async () => {
    const n = desktopNotifier({platform: 'linux', env: {PATH: pathWith('notify-send')}, exec})
    expect(n.via).to.equal('notify-send')
    await n.notify('run 1 COMPLETE', '-rf "$(boom)"')
    expect(calls).to.deep.equal([
      {file: path.join(dir, 'notify-send'), args: ['--app-name=codegenapi', '--', 'run 1 COMPLETE', '-rf "$(boom)"'], env: undefined},
    ])
  })

  it('macOS: osascript, the text as the script arguments, never in the script', async () => {
    const n = desktopNotifier({platform: 'darwin', env: {PATH: pathWith('osascript', 'notify-send')}, exec})
    expect(n.via).to.equal('osascript')
    await n.notify('run 2 FAILED', '" & do shell script "x')
    const {file, args} = calls[0]
    expect(file).to.equal(path.join(dir, 'osascript'))
    expect(args.slice(-2)).to.deep.equal(['run 2 FAILED', '" & do shell script "x'])
    expect(args.slice(0, -2).join(' ')).not.to.contain('run 2').and.not.to.contain('shell script')
  })

  it('Windows: PowerShell, the text in environment variables, never in the command', async () => {
    const n = desktopNotifier({platform: 'win32', env: {PATH: pathWith('powershell.exe'), PATHEXT: '.EXE'}, exec})
    expect(n.via).to.equal('powershell.exe')
    await n.notify("run 3 COMPLETE'; rm", 'body')
    const {args, env} = calls[0]
    expect(args.join(' ')).not.to.contain('run 3')
    expect(env).to.include({CODEGENAPI_NOTIFY_TITLE: "run 3 COMPLETE'; rm", CODEGENAPI_NOTIFY_BODY: 'body'})
  })

  it('silent where no notifier is installed (and a non-executable file does not count)', async () => {
    fs.writeFileSync(path.join(dir, 'notify-send'), '', {mode: 0o644})
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const n = desktopNotifier({platform, env: {PATH: dir}, exec})
      expect(n.via, platform).to.equal(undefined)
      await n.notify('t', 'b')
    }
    expect(calls).to.deep.equal([])
  })
})

describe('FinishNotifier', () => {
  const record = (id: number, status: string, extra: Partial<RunRecord> = {}): RunRecord => ({
    id,
    status,
    prs: [],
    watched_since: new Date().toISOString(),
    watched: status === 'ACTIVE',
    ...extra,
  })
  const update = (r: RunRecord, previousStatus: string | null, terminal: boolean): RunUpdate => ({
    record: r,
    previousStatus,
    statusChanged: true,
    terminal,
    added: previousStatus === null,
    reporting: false,
  })

  it('one notification per run that finishes while watched; runs already final are not news', async () => {
    const sent: [string, string][] = []
    const notifier: Notifier = {via: 'test', notify: (t, b) => (sent.push([t, b]), Promise.resolve())}
    const f = new FinishNotifier(notifier)
    f.update(update(record(1, 'ACTIVE'), null, false))
    f.update(update(record(2, 'FAILED'), null, true)) // final before the watch began
    f.update(update(record(3, 'COMPLETE', {summary: 'Added retries', repo: 'acme/api'}), 'ACTIVE', true)) // active in the state file
    f.update(
      update(
        record(1, 'COMPLETE', {prs: [{url: 'https://github.com/acme/api/pull/4', title: null, head_branch_name: null}]}),
        'ACTIVE',
        true,
      ),
    )
    f.update(update(record(1, 'COMPLETE'), 'COMPLETE', true)) // seen again
    await f.settled()
    expect(sent).to.deep.equal([
      ['codegenapi: run 3 COMPLETE', 'acme/api\nAdded retries'],
      ['codegenapi: run 1 COMPLETE', 'https://github.com/acme/api/pull/4'],
    ])
  })

  it('a notifier that fails does not fail the watch', async () => {
    const f = new FinishNotifier({via: 'test', notify: () => Promise.reject(new Error('no display'))})
    f.update(update(record(1, 'ACTIVE'), null, false))
    f.update(update(record(1, 'ERROR'), 'ACTIVE', true))
    await f.settled()
  })
})
