import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

describe('watch --notify', () => {
  const api = useFakeApi({runDurationMs: 500})

  /** An env whose PATH starts with a notify-send that writes its arguments to a log instead of a desktop. */
  function withNotifySend(): {env: NodeJS.ProcessEnv; log: string} {
    const bin = path.join(api.box().home, 'bin')
    const log = path.join(api.box().home, 'notify.log')
    fs.mkdirSync(bin)
    fs.writeFileSync(
      path.join(bin, 'notify-send'),
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a" >> '${log}'; done\nprintf -- '--\\n' >> '${log}'\n`,
      {
        mode: 0o755,
      },
    )
    return {env: api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100', PATH: `${bin}:${process.env.PATH}`}), log}
  }

  it('notifies once as each watched run finishes, and not without --notify', async () => {
    const {env, log} = withNotifySend()
    const a = parseJson(await runCli(['new', '--repo', 'Zeeeepa/codegen.py', '--query', 'a', '--json'], {env}))
    const b = parseJson(await runCli(['new', '--query', 'b', '--json'], {env}))
    const res = await runCli(['watch', String(a.id), String(b.id), '--notify'], {env})
    expect(res.code, res.stderr).to.equal(0)
    const lines = fs.readFileSync(log, 'utf8').split('\n')
    expect(lines.filter((l) => l === '--app-name=codegenapi')).to.have.length(2)
    expect(lines).to.include(`codegenapi: run ${a.id} COMPLETE`).and.to.include(`codegenapi: run ${b.id} COMPLETE`)
    expect(lines).to.include('Zeeeepa/codegen.py')
    fs.rmSync(log)
    const c = parseJson(await runCli(['new', '--query', 'c', '--json'], {env}))
    const quiet = await runCli(['watch', String(c.id)], {env})
    expect(quiet.code, quiet.stderr).to.equal(0)
    expect(fs.existsSync(log)).to.equal(false)
  })

  it('a run already finished is shown but not notified; with no notifier on PATH, --notify is silent', async () => {
    const {env, log} = withNotifySend()
    const done = api.fake().runs.find((r) => r.status === 'COMPLETE')!
    const res = await runCli(['watch', String(done.id), '--notify'], {env})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout).to.contain(`run ${done.id}  COMPLETE`)
    expect(fs.existsSync(log)).to.equal(false)
    const run = parseJson(await runCli(['new', '--query', 'q', '--json'], {env: api.env()}))
    const bare = await runCli(['watch', String(run.id), '--notify'], {env: api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100'})})
    expect(bare.code, bare.stderr).to.equal(0)
    expect(bare.stderr).to.equal('')
  })
})
