import {expect} from 'chai'
import {runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

describe('numbers from flags and the environment, end to end', () => {
  const api = useFakeApi()

  it('a bad numeric environment variable is a usage error before any request (F-73, F-74)', async () => {
    const cases: [Record<string, string>, string[]][] = [
      [{CODEGEN_API_TIMEOUT: 'abc'}, ['whoami']],
      [{CODEGEN_API_TIMEOUT: '3000000'}, ['new', '--repo-id', '3001', '-q', 'overflow']],
      [{CODEGENAPI_POLL_MS: 'abc'}, ['get', '7060', '--wait', '--timeout', '3s']],
      [{CODEGENAPI_RETRY_BASE_MS: '-1000'}, ['get', '7059']],
      [{CODEGENAPI_MONITOR_INTERVAL_MS: 'soon'}, ['watch', '7060', '--timeout', '2s']],
    ]
    for (const [extra, args] of cases) {
      const res = await runCli(args, {env: api.env(extra)})
      expect(res.code, `${JSON.stringify(extra)} ${args.join(' ')}: ${res.stderr}`).to.equal(2)
      expect(res.stderr).to.contain(`${Object.keys(extra)[0]} must be a whole number`)
      expect(res.stderr).not.to.contain('TimeoutOverflowWarning')
    }
    expect(api.fake().requests).to.deep.equal([])
  })

  it('--timeout: a unit is required, 0 and overflowing values are refused, before any request (F-74, F-75)', async () => {
    for (const args of [
      ['get', '7060', '--wait', '--timeout', '2'],
      ['get', '7060', '--wait', '--timeout', '0'],
      ['get', '7060', '--wait', '--timeout', '0s'],
      ['watch', '7060', '--timeout', '597h'],
      ['new', '--repo-id', '3001', '-q', 'x', '--wait', '--timeout', '1000h'],
    ]) {
      const res = await runCli(args, {env: api.env()})
      expect(res.code, `${args.join(' ')}: ${res.stderr}`).to.equal(2)
      expect(res.stderr).to.match(/^Error: --timeout /)
    }
    expect(api.fake().requests).to.deep.equal([])
  })
})
