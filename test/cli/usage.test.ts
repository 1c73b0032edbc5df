import {expect} from 'chai'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

describe('usage: help, unknown commands, flag errors', () => {
  const api = useFakeApi()

  it('-h is --help on every command, at any depth (F-48)', async () => {
    for (const args of [['list', '-h'], ['get', '-h'], ['config', 'set', '-h'], ['mcp', 'serve', '-h'], ['-h']]) {
      const res = await runCli(args, {env: api.env()})
      expect(res.code, `${args.join(' ')}: ${res.stderr}`).to.equal(0)
      expect(res.stdout, args.join(' ')).to.contain('USAGE')
    }
    expect(api.fake().requests).to.deep.equal([])
  })

  it('an unknown command exits 2 in the Error:/Hint: style, with the closest command (F-49)', async () => {
    const res = await runCli(['lst'], {env: api.env()})
    expect(res.code).to.equal(2)
    expect(res.stderr).to.equal(
      'Error: "lst" is not a codegenapi command.\nHint: Did you mean `codegenapi list`? Run `codegenapi --help` for the list of commands.\n',
    )
    const version = await runCli(['version'], {env: api.env()})
    expect(version.code).to.equal(2)
    expect(version.stderr).to.contain('`codegenapi --version`')
    const sub = await runCli(['config', 'sett', 'org-id', '4'], {env: api.env()})
    expect(sub.code).to.equal(2)
    expect(sub.stderr).to.contain('"config sett" is not a codegenapi command').and.to.contain('`codegenapi config set`')
    const json = await runCli(['lst', '--json'], {env: api.env()})
    expect(json.code).to.equal(2)
    expect(parseJson(json).error).to.include({code: 'usage', exitCode: 2})
    // Topics and plugin commands still work.
    expect((await runCli(['config'], {env: api.env()})).code).to.equal(0)
    expect((await runCli(['help', 'list'], {env: api.env()})).code).to.equal(0)
  })

  it('a bad flag value is one Error line and a Hint, "non-negative" where 0 is allowed (F-50)', async () => {
    const limit = await runCli(['list', '--limit', '0'], {env: api.env()})
    expect(limit.code).to.equal(2)
    expect(limit.stderr).to.equal('Error: --limit must be a positive integer, got "0".\nHint: See `codegenapi list --help`.\n')
    const skip = await runCli(['logs', '7059', '--skip', '-1'], {env: api.env()})
    expect(skip.code).to.equal(2)
    expect(skip.stderr).to.equal('Error: --skip must be a non-negative integer, got "-1".\nHint: See `codegenapi logs --help`.\n')
    expect((await runCli(['logs', '7059', '--skip', '0', '-l', '1'], {env: api.env()})).code).to.equal(0)
    for (const args of [['get'], ['get', '1', '2'], ['list', '--bogus'], ['get', '7060', '--timeout', '3s'], ['list', '--status']]) {
      const res = await runCli(args, {env: api.env()})
      expect(res.code, args.join(' ')).to.equal(2)
      const lines = res.stderr.trimEnd().split('\n')
      expect(lines, args.join(' ')).to.have.length(2)
      expect(lines[0]).to.match(/^Error: \S/)
      expect(lines[1]).to.match(/^Hint: See `codegenapi \w+ --help`\.$/)
    }
    const missing = await runCli(['get'], {env: api.env()})
    expect(missing.stderr).to.contain('Missing AGENT_RUN_ID.')
  })

  it('words after a command that takes no argument are unexpected arguments, not an unknown command', async () => {
    const extra = await runCli(['list', 'extra', '--limit', '1'], {env: api.env()})
    expect(extra.code).to.equal(2)
    expect(extra.stderr).to.equal('Error: Unexpected argument: extra.\nHint: See `codegenapi list --help`.\n')
    const two = await runCli(['config', 'path', 'a', 'b', '--json'], {env: api.env()})
    expect(two.code).to.equal(2)
    expect(parseJson(two).error).to.include({code: 'usage', message: 'Unexpected arguments: a b.', exitCode: 2})
    expect(api.fake().requests.filter((r) => r.path.includes('/agent/run'))).to.have.length(0)
  })
})
