import {expect} from 'chai'
import {envMs, MAX_TIMER_MS, parseDuration} from '../../src/services/duration.js'

describe('durations and numbers from the environment', () => {
  it('--timeout needs a unit and refuses 0 in every form (F-75)', () => {
    expect(parseDuration('90s')).to.equal(90_000)
    expect(parseDuration('1h30m')).to.equal(5_400_000)
    expect(parseDuration('500ms')).to.equal(500)
    expect(() => parseDuration('2')).to.throw('needs a unit: 2s, 2m or 2h')
    expect(() => parseDuration('0')).to.throw('above 0')
    expect(() => parseDuration('0s')).to.throw('above 0')
    expect(() => parseDuration('0h0m')).to.throw('above 0')
  })

  it('refuses durations that overflow Node timers (F-74)', () => {
    expect(parseDuration('596h')).to.be.at.most(MAX_TIMER_MS)
    expect(() => parseDuration('597h')).to.throw('at most 596h')
    expect(() => parseDuration('1000h')).to.throw('at most 596h')
    expect(() => parseDuration(`${MAX_TIMER_MS + 1}ms`)).to.throw('at most 596h')
  })

  it('reads numeric environment variables with one rule, as flags are (F-73)', () => {
    expect(envMs({}, 'CODEGEN_API_TIMEOUT')).to.equal(undefined)
    expect(envMs({CODEGEN_API_TIMEOUT: '30'}, 'CODEGEN_API_TIMEOUT')).to.equal(30_000)
    expect(envMs({CODEGENAPI_POLL_MS: '250'}, 'CODEGENAPI_POLL_MS')).to.equal(250)
    for (const [name, value] of [
      ['CODEGEN_API_TIMEOUT', 'abc'],
      ['CODEGEN_API_TIMEOUT', '0.001'],
      ['CODEGEN_API_TIMEOUT', '3000000'],
      ['CODEGENAPI_POLL_MS', 'abc'],
      ['CODEGENAPI_POLL_MS', '0'],
      ['CODEGENAPI_RETRY_BASE_MS', '-1000'],
      ['CODEGENAPI_MONITOR_INTERVAL_MS', '1e9'],
    ] as const) {
      expect(() => envMs({[name]: value}, name), `${name}=${value}`)
        .to.throw(`${name} must be a whole number`)
        .with.property('kind', 'usage')
    }
  })
})
