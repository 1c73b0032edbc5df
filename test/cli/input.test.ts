import {expect} from 'chai'
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import {BIN, parseJson, runCli, runOnTty} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

/** The CLI with stdin read from a file or device (e.g. /dev/zero), which runCli's string input cannot give. */
function runWithStdinFrom(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{code: number | null; stderr: string; ms: number}> {
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(file, 'r')
    const started = Date.now()
    const child = spawn(process.execPath, [BIN, ...args], {env, cwd: env.HOME, stdio: [fd, 'ignore', 'pipe']})
    fs.closeSync(fd)
    let stderr = ''
    child.stderr!.setEncoding('utf8').on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stderr, ms: Date.now() - started})
    })
  })
}

const posts = (api: ReturnType<typeof useFakeApi>) => api.fake().requests.filter((r) => r.method === 'POST')

describe('stdin and prompts', () => {
  const api = useFakeApi()

  describe('piped stdin is never a positional argument (F-40)', () => {
    it('get with a run id on stdin and none on the command line is a usage error', async () => {
      const res = await runCli(['get'], {env: api.env(), input: '7059\n'})
      expect(res.code).to.equal(2)
      expect(res.stderr).to.contain('Missing AGENT_RUN_ID')
      expect(api.fake().requests).to.deep.equal([])
    })

    it('resume --agent_run_id N --query - takes the prompt from stdin', async () => {
      const res = await runCli(['resume', '--agent_run_id', '7059', '--query', '-', '--json'], {
        env: api.env(),
        input: 'Address the comments\n',
      })
      expect(res.code, res.stderr).to.equal(0)
      expect(parseJson(res).id).to.equal(7059)
      expect(posts(api).map((r) => r.body)).to.deep.equal([{agent_run_id: 7059, prompt: 'Address the comments'}])
    })

    it('resume N with the prompt piped in', async () => {
      const res = await runCli(['resume', '7059', '--json'], {env: api.env(), input: 'And add tests'})
      expect(res.code, res.stderr).to.equal(0)
      expect(posts(api)[0].body.prompt).to.equal('And add tests')
    })

    it('users with piped text lists users', async () => {
      const res = await runCli(['users', '-l', '2', '--json'], {env: api.env(), input: 'hello\n'})
      expect(res.code, res.stderr).to.equal(0)
      expect(parseJson<unknown[]>(res)).to.have.length(2)
    })

    it('a token piped to `config set api-token` is stored, with no shell-history warning', async () => {
      const env = api.env({CODEGEN_API_TOKEN: undefined})
      const res = await runCli(['config', 'set', 'api-token'], {env, input: `${api.fake().token}\n`})
      expect(res.code, res.stderr).to.equal(0)
      expect(res.stderr).not.to.contain('shell history')
      expect(JSON.parse(fs.readFileSync(api.box().configFile, 'utf8'))['api-token']).to.equal(api.fake().token)
    })
  })

  it('refuses piped stdin together with --query TEXT or --prompt-file, sending nothing (F-47)', async () => {
    const res = await runCli(['new', '--repo-id', '3001', '-q', 'review'], {env: api.env(), input: 'the diff'})
    expect(res.code).to.equal(2)
    expect(res.stderr).to.contain('piped to stdin').and.to.contain('--query -')
    const file = `${api.box().home}/prompt.md`
    fs.writeFileSync(file, 'review this')
    const withFile = await runCli(['resume', '7059', '--prompt-file', file], {env: api.env(), input: 'the diff'})
    expect(withFile.code).to.equal(2)
    const withArgument = await runCli(['new', '--repo-id', '3001', 'review'], {env: api.env(), input: 'the diff'})
    expect(withArgument.code).to.equal(2)
    expect(withArgument.stderr).to.contain('the prompt comes from the PROMPT argument')
    expect(posts(api)).to.deep.equal([])
    // An empty pipe is no input.
    const empty = await runCli(['new', '--repo-id', '3001', '-q', 'review', '--json'], {env: api.env(), input: ''})
    expect(empty.code, empty.stderr).to.equal(0)
  })

  describe('input is read with a cap (F-72)', () => {
    it('--prompt-file /dev/zero stops at the prompt limit, sending nothing', async () => {
      const res = await runCli(['new', '--repo-id', '3001', '--prompt-file', '/dev/zero'], {env: api.env()})
      expect(res.code).to.equal(2)
      expect(res.stderr).to.contain('longer than 100,000 characters')
      expect(posts(api)).to.deep.equal([])
    })

    it('--query - with stdin from /dev/zero stops at the prompt limit', async () => {
      const res = await runWithStdinFrom('/dev/zero', ['new', '--repo-id', '3001', '--query', '-'], api.env())
      expect(res.code, res.stderr).to.equal(2)
      expect(res.stderr).to.contain('longer than 100,000 characters')
      expect(posts(api)).to.deep.equal([])
    })

    it('a token from /dev/zero stops after a few kilobytes (login --with-token, config set api-token)', async () => {
      const login = await runWithStdinFrom('/dev/zero', ['login', '--with-token'], api.env())
      expect(login.code, login.stderr).to.equal(2)
      expect(login.stderr).to.contain('longer than 4,096 characters')
      const set = await runWithStdinFrom('/dev/zero', ['config', 'set', 'api-token'], api.env())
      expect(set.code, set.stderr).to.equal(2)
      expect(fs.existsSync(api.box().configFile)).to.equal(false)
    })
  })

  describe('on a terminal (F-55)', () => {
    it('--query - says how to end the prompt', async () => {
      const res = await runOnTty(['new', '--repo-id', '3001', '--query', '-', '--json'], {
        env: api.env(),
        steps: [['Ctrl-D', 'Fix the flaky test\r\u0004']],
      })
      expect(res.unanswered, res.output).to.deep.equal([])
      expect(res.code, res.output).to.equal(0)
      expect(posts(api)[0].body.prompt).to.equal('Fix the flaky test')
    })

    it('the organization menu says why an answer is refused, and Ctrl-C exits 130 saving nothing', async () => {
      const env = api.env({CODEGEN_API_TOKEN: undefined, CODEGEN_ORG_ID: undefined})
      const res = await runOnTty(['login'], {
        env,
        steps: [
          ['Paste your Codegen API token', `${api.fake().token}\r`],
          ['Organization [1-2]', '3\r'],
          ['is not a choice', '\u0003'],
        ],
      })
      expect(res.unanswered, res.output).to.deep.equal([])
      expect(res.output).to.contain('"3" is not a choice: type a number from 1 to 2')
      expect(res.code, res.output).to.equal(130)
      expect(fs.existsSync(api.box().configFile)).to.equal(false)
    })

    it('Ctrl-C at the hidden token prompt exits 130', async () => {
      const res = await runOnTty(['login'], {
        env: api.env({CODEGEN_API_TOKEN: undefined, CODEGEN_ORG_ID: undefined}),
        steps: [['Paste your Codegen API token', '\u0003']],
      })
      expect(res.code, res.output).to.equal(130)
      expect(res.output).not.to.contain('Error')
    })
  })
})
