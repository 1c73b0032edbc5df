import {expect} from 'chai'
import {CodegenClient} from '../../src/api/client.js'
import {isCodegenError} from '../../src/api/errors.js'
import {RateLimiter, type Bucket} from '../../src/api/rate-limiter.js'
import type {ResolvedConfig} from '../../src/services/config.js'
import type {ServiceContext} from '../../src/services/context.js'
import {createRun, resumeRun, type CreatedRun} from '../../src/services/runs.js'
import {useFakeApi} from '../helpers/fake.js'

/** A limiter that says when a request starts to wait in it. */
class WatchedLimiter extends RateLimiter {
  private waiting: (() => void)[] = []
  queued(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve))
  }
  override acquire(bucket: Bucket, signal?: AbortSignal): Promise<void> {
    if (this.delayFor(bucket) > 0) for (const w of this.waiting.splice(0)) w()
    return super.acquire(bucket, signal)
  }
}

// The money invariants at the service: a create or resume goes out only while its caller wants it.
describe('start-run service', () => {
  const api = useFakeApi({runDurationMs: 60_000})
  const creates = () => api.fake().requests.filter((r) => r.method === 'POST' && /\/agent\/run$/.test(r.path))

  function context(limiter: RateLimiter, token = api.fake().token): ServiceContext {
    const fake = api.fake()
    const client = new CodegenClient({baseUrl: fake.url, token, userAgent: 'test', limiter, retryBaseMs: 20})
    return {
      config: {baseUrl: fake.url, token: fake.token, orgId: fake.orgId} as ResolvedConfig,
      env: api.env(),
      client: () => client,
      orgId: () => fake.orgId,
    }
  }

  const tight = () =>
    new WatchedLimiter({standard: {limit: 100, windowMs: 1000}, create: {limit: 1, windowMs: 1500}, logs: {limit: 100, windowMs: 1000}})

  // F-1
  it('a create stopped while it waits in the rate limiter is never sent, not even once the window frees', async () => {
    const limiter = tight()
    const ctx = context(limiter)
    await createRun(ctx, {query: 'first'})
    const stop = new AbortController()
    const queued = limiter.queued()
    const second = createRun(ctx, {query: 'second'}, {signal: stop.signal})
    await queued
    stop.abort(new Error('deadline'))
    const error = await second.then(
      () => undefined,
      (e: Error) => e,
    )
    expect(error?.message).to.equal('deadline')
    // A later create goes through the same limiter once the window frees: the stopped one is gone.
    await createRun(ctx, {query: 'third'})
    expect(creates().map((r) => r.body.prompt)).to.deep.equal(['first', 'third'])
  })

  it('a resume stopped while it waits is never sent', async () => {
    const limiter = new WatchedLimiter({
      standard: {limit: 1, windowMs: 1000},
      create: {limit: 1, windowMs: 1000},
      logs: {limit: 1, windowMs: 1000},
    })
    const ctx = context(limiter)
    const done = api.fake().runs.find((r) => r.status === 'COMPLETE')!
    const stop = new AbortController()
    const queued = limiter.queued()
    // The status check takes the one slot of the window; the resume then waits.
    const resuming = resumeRun(ctx, {runId: done.id, query: 'more'}, {signal: stop.signal})
    await queued
    stop.abort(new Error('cancelled'))
    const error = await resuming.then(
      () => undefined,
      (e: Error) => e,
    )
    expect(error?.message).to.equal('cancelled')
    await resumeRun(ctx, {runId: api.fake().runs.find((r) => r.status === 'COMPLETE' && r.id !== done.id)!.id, query: 'other'})
    const resumes = api.fake().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/resume'))
    expect(resumes.map((r) => r.body.prompt)).to.deep.equal(['other'])
  })

  it('a create stopped on the wire answers at once "may have been created", and the late outcome still brings the run', async () => {
    api.fake().inject({method: 'POST', path: /\/agent\/run$/, kind: 'delay', delayMs: 800})
    const ctx = context(tight())
    const stop = new AbortController()
    let late: Promise<CreatedRun> | undefined
    const creating = createRun(ctx, {query: 'on the wire'}, {signal: stop.signal, late: (p) => (late = p)})
    const arrived = new Promise<void>((resolve) => {
      const poll = setInterval(() => creates().length > 0 && (clearInterval(poll), resolve()), 5)
    })
    await arrived
    stop.abort(new Error('deadline'))
    const error = await creating.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isCodegenError(error) && error.kind).to.equal('maybe_created')
    expect(isCodegenError(error) && error.next).to.deep.include({kind: 'check_created'})
    const created = await late!
    expect(created.run.id).to.equal(api.fake().runs[0].id)
    expect(created.clientRequestId).to.equal(creates()[0].body.metadata.client_request_id)
    expect(creates()).to.have.length(1)
  })

  // F-76: Node refuses a header value with a control character before sending anything: not an unknown outcome.
  it('a token Node cannot put in a header: the create was not sent, and it says so', async () => {
    const ctx = context(tight(), 'abc\u0001def')
    const error = await createRun(ctx, {query: 'x'}).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isCodegenError(error) && error.kind).to.equal('config')
    expect((error as Error).message)
      .to.contain('was not sent')
      .and.to.contain('ERR_INVALID_CHAR')
    expect(isCodegenError(error) && error.next).to.deep.equal({kind: 'fix_token'})
    expect(api.fake().requests).to.have.length(0)
  })
})
