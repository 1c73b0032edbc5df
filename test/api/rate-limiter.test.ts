import {expect} from 'chai'
import {CodegenClient} from '../../src/api/client.js'
import {API_LIMITS, FOREGROUND_BURST_MS, FOREGROUND_RESERVE, RateLimiter, WINDOW_GUARD_MS} from '../../src/api/rate-limiter.js'
import {useFakeApi} from '../helpers/fake.js'

// The shared limiter's accounting, with explicit clocks (every method takes `now`): no waiting here.
describe('rate limiter', () => {
  const windowMs = API_LIMITS.standard.windowMs

  /** Sends `n` foreground requests now and has them answered `answerMs` after they were sent. */
  async function foreground(limiter: RateLimiter, n: number, answerMs = 0): Promise<number> {
    const sent = Date.now()
    for (let i = 0; i < n; i++) await limiter.acquire('standard')
    for (let i = 0; i < n; i++) limiter.answered('standard', false, sent + answerMs)
    return sent
  }

  it('counts an answered request for a window from its answer: no margin for the network on top', async () => {
    const limiter = new RateLimiter({standard: {limit: 1, windowMs}})
    const sent = await foreground(limiter, 1, 200)
    // Free a window after the answer (the server counted it before that), not a guard after.
    expect(limiter.delayFor('standard', sent + 200 + windowMs - 1)).to.be.greaterThan(0)
    expect(limiter.delayFor('standard', sent + 200 + windowMs)).to.equal(0)
  })

  it('counts a request in flight until a window and the guard after it left, and a failed one a guard longer', async () => {
    const flying = new RateLimiter({standard: {limit: 1, windowMs}})
    const before = Date.now()
    await flying.acquire('standard')
    expect(flying.delayFor('standard', before + windowMs + 1)).to.be.greaterThan(0)
    expect(flying.delayFor('standard', Date.now() + windowMs + WINDOW_GUARD_MS + 1)).to.equal(0)
    const failed = new RateLimiter({standard: {limit: 1, windowMs}})
    await failed.acquire('standard')
    const end = Date.now() + 100
    failed.answered('standard', true, end)
    expect(failed.delayFor('standard', end + windowMs + WINDOW_GUARD_MS - 1)).to.be.greaterThan(0)
    expect(failed.delayFor('standard', end + windowMs + WINDOW_GUARD_MS)).to.equal(0)
  })

  it('counts the answer of a request slower than a window and the guard from when it came', async () => {
    const limiter = new RateLimiter({standard: {limit: 1, windowMs}})
    await limiter.acquire('standard')
    const late = Date.now() + windowMs + WINDOW_GUARD_MS + 1
    expect(limiter.delayFor('standard', late)).to.equal(0)
    limiter.answered('standard', false, late)
    expect(limiter.delayFor('standard', late + windowMs - 1)).to.be.greaterThan(0)
  })

  it('gives background work all but the small reserve while no foreground call needs more', () => {
    const limiter = new RateLimiter()
    expect(limiter.reserve('standard')).to.equal(FOREGROUND_RESERVE.standard)
    expect(limiter.backgroundShare('standard')).to.equal(API_LIMITS.standard.limit - FOREGROUND_RESERVE.standard)
  })

  it('grows the reserve by the largest burst of foreground requests of the last window, then lets it go', async () => {
    const limiter = new RateLimiter()
    const sent = await foreground(limiter, 5)
    expect(limiter.reserve('standard', sent + 1)).to.equal(FOREGROUND_RESERVE.standard + 5)
    // One call at a time, FOREGROUND_BURST_MS apart, is a need of one.
    const spaced = new RateLimiter()
    await foreground(spaced, 1)
    expect(spaced.reserve('standard')).to.equal(FOREGROUND_RESERVE.standard + 1)
    // A window after the last of them (each counts from when acquire() let it go, at or after `sent`), the burst is forgotten.
    expect(limiter.reserve('standard', Date.now() + windowMs + 1)).to.equal(FOREGROUND_RESERVE.standard)
    expect(FOREGROUND_BURST_MS).to.be.lessThan(windowMs)
  })

  it('keeps at least half the window for background work, whatever the foreground burst', async () => {
    const limiter = new RateLimiter({standard: {limit: 12, windowMs}})
    await foreground(limiter, 10)
    expect(limiter.reserve('standard')).to.equal(6)
  })

  it('never lets background work take the reserve: with the window at the share, it waits and a tool call still goes', async () => {
    const limiter = new RateLimiter({standard: {limit: 10, windowMs}})
    const now = Date.now()
    let background = 0
    // Background requests as fast as the limiter lets them: spread over the window, up to the share.
    for (let t = now; t < now + windowMs && background < 10; t += 10) {
      if (limiter.backgroundDelay('standard', t) > 0 || !limiter.takeBackground('standard', t)) continue
      await limiter.acquire('standard')
      limiter.answered('standard', false, t)
      background++
    }
    expect(background).to.equal(10 - FOREGROUND_RESERVE.standard)
    expect(limiter.reserve('standard')).to.equal(FOREGROUND_RESERVE.standard)
    expect(limiter.delayFor('standard')).to.equal(0)
  })

  it('counts a request as background work only right after its token was taken', async () => {
    const limiter = new RateLimiter()
    expect(limiter.takeBackground('standard')).to.equal(true)
    await limiter.acquire('standard')
    expect(limiter.reserve('standard')).to.equal(FOREGROUND_RESERVE.standard)
    await limiter.acquire('standard')
    expect(limiter.reserve('standard')).to.equal(FOREGROUND_RESERVE.standard + 1)
  })

  describe('through the client', () => {
    const api = useFakeApi()

    it('counts a request the API answered from its answer on', async () => {
      const limiter = new RateLimiter({standard: {limit: 1, windowMs}})
      const client = new CodegenClient({baseUrl: api.fake().url, token: api.fake().token, userAgent: 'test', limiter})
      await client.run(api.fake().orgId, api.fake().runs[0].id)
      const answered = Date.now()
      expect(api.fake().requests).to.have.length(1)
      expect(limiter.delayFor('standard', answered)).to.be.greaterThan(0)
      // Still in flight, it would count until a window and the guard after it was sent.
      expect(limiter.delayFor('standard', answered + windowMs)).to.equal(0)
    })
  })
})
