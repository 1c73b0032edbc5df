import {expect} from 'chai'
import {Sandbox, runCli} from './helpers/cli.js'

// The IO seam (src/io.ts): an in-process run sees the streams, env, cwd and exit code it was given,
// and nothing of the mocha process's.
describe('the IO seam', () => {
  const boxes: Sandbox[] = []
  const box = () => {
    const b = new Sandbox()
    boxes.push(b)
    return b
  }
  afterEach(() => boxes.splice(0).forEach((b) => b.remove()))

  it("a command reads the run's env, not the process's: its files are in the run's HOME", async () => {
    const b = box()
    const res = await runCli(['config', 'path'], {env: b.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout.trim()).to.equal(b.configFile)
  })

  it('two runs at once each get their own env, output and exit code', async () => {
    const [a, b] = [box(), box()]
    const [ra, rb, bad] = await Promise.all([
      runCli(['config', 'path'], {env: a.env()}),
      runCli(['config', 'path'], {env: b.env()}),
      runCli(['config', 'get', 'no-such-key'], {env: b.env()}),
    ])
    expect(ra.stdout.trim()).to.equal(a.configFile)
    expect(rb.stdout.trim()).to.equal(b.configFile)
    expect([ra.code, rb.code]).to.deep.equal([0, 0])
    expect(bad.code).to.equal(2)
    expect(bad.stdout).to.equal('')
    expect(process.exitCode ?? 0, "the mocha process's exit code").to.equal(0)
  })

  it("oclif's own output (help, an unknown command) goes to the run's streams, with its exit code", async () => {
    const env = box().env()
    const help = await runCli(['config', '--help'], {env})
    expect(help.code).to.equal(0)
    expect(help.stdout).to.contain('USAGE')
    const unknown = await runCli(['frobnicate'], {env})
    expect(unknown.code).to.equal(2)
    expect(unknown.stderr).to.contain('"frobnicate" is not a codegenapi command')
    const helpCommand = await runCli(['help', 'config'], {env}) // plugin-help's command
    expect(helpCommand.code, helpCommand.stderr).to.equal(0)
    expect(helpCommand.stdout).to.contain('config set')
  })

  it('stdin is the input the test gave', async () => {
    const b = box()
    const res = await runCli(['config', 'set', 'org-id'], {env: b.env(), input: '77\n'})
    expect(res.code, res.stderr).to.equal(0)
    expect((await runCli(['config', 'get', 'org-id', '--json'], {env: b.env()})).stdout).to.contain('77')
  })
})
