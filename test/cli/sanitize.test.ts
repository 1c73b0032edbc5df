import {expect} from 'chai'
import {runCli, runOnTty} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

// Anything that could retitle the window, write the clipboard (OSC 52) or move the cursor.

const ESC = /[\u001b\u0007\u009b]/

describe('text from the API is sanitised on every path to a terminal (F-58)', () => {
  const api = useFakeApi()
  const hostile = () =>
    api.fake().setRunStatus(7055, 'RUNNING\u001b]2;STATUS-TITLE\u0007', {web_url: 'https://codegen.com/x\u001b]52;c;UFdORUQ=\u0007'})

  it('statuses and URLs in watch, resume, open, get --wait and new', async () => {
    hostile()
    const env = api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100', CODEGENAPI_NO_BROWSER: '1'})
    for (const args of [
      ['watch', '7055', '--timeout', '1s'],
      ['resume', '7055', '-q', 'hi'],
      ['open', '7055'],
      ['get', '7055', '--wait', '--timeout', '1s'],
    ]) {
      const res = await runCli(args, {env})
      expect(res.stdout + res.stderr, args.join(' ')).not.to.match(ESC)
    }
  })

  it('API error messages', async () => {
    api.fake().inject({method: 'GET', status: 404, body: {detail: 'no such run \u001b]2;ERR-TITLE\u0007\u202etxt.exe'}})
    const res = await runCli(['get', '7059'], {env: api.env()})
    expect(res.code).to.equal(4)
    expect(res.stderr).not.to.match(ESC)
    expect(res.stderr).to.contain('no such run').and.to.contain('<U+202E>')
  })

  it('the --wait spinner, and Ctrl-C leaves a clean line saying the run goes on (F-61)', async () => {
    api.fake().setRunStatus(7060, 'ACTIVE\u001b]2;SPIN-TITLE\u0007')
    const res = await runOnTty(['get', '7060', '--wait', '--timeout', '10s'], {
      env: api.env(),
      steps: [['Agent run 7060 ACTIVE', '\u0003']],
    })
    expect(res.unanswered, res.output).to.deep.equal([])
    expect(res.code, res.output).to.equal(130)
    expect(res.output).not.to.contain(']2;SPIN-TITLE')
    // What the last line of the screen shows: the text after the spinner's last "erase line" (ESC[0K).
    const last =
      res.output
        .split(/\r?\n/)
        .filter((l) => l.includes('0K'))
        .at(-1) ?? ''

    const shown = last.slice(last.lastIndexOf('\u001b[0K') + 4).replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
    expect(shown).to.equal('Agent run 7060 keeps running: codegenapi watch 7060')
  })
})
