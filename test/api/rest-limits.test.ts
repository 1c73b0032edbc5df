import {expect} from 'chai'
import {CodegenClient} from '../../src/api/client.js'
import {API_LIMITS, RateLimiter} from '../../src/api/rate-limiter.js'
import {editPrState, generateSetupCommands, prAgentsAction} from '../../src/api/rest.js'
import {useFakeApi} from '../helpers/fake.js'

// The contract's own limits on the rest of the API, in the one limiter every request goes through.
describe('rate limits of the rest of the API', () => {
  const api = useFakeApi({rateLimits: true})
  const client = (limiter = new RateLimiter()) =>
    new CodegenClient({baseUrl: api.fake().url, token: api.fake().token, userAgent: 'test', limiter, retryBaseMs: 10})

  it("knows the contract's numbers: setup commands 5 a minute, PR edits 30 a minute", () => {
    expect(API_LIMITS.setup_commands).to.deep.equal({limit: 5, windowMs: 60_000})
    expect(API_LIMITS.pr_edit).to.deep.equal({limit: 30, windowMs: 60_000})
  })

  it('counts each request in its own bucket, and waits before the sixth setup command instead of drawing a 429', async () => {
    const limiter = new RateLimiter()
    const c = client(limiter)
    const repoId = api.fake().repos[0].id
    for (let i = 0; i < 5; i++) await generateSetupCommands(c, api.fake().orgId, {repo_id: repoId})
    expect(limiter.remaining('setup_commands')).to.equal(0)
    expect(limiter.remaining('create')).to.equal(API_LIMITS.create.limit)
    expect(limiter.delayFor('setup_commands')).to.be.greaterThan(50_000)

    const run = api.fake().addRun({
      github_pull_requests: [
        {
          id: 93_001,
          title: 't',
          url: `https://github.com/${api.fake().repos[0].full_name}/pull/9`,
          created_at: '2026-11-30T08:00:00Z',
          head_branch_name: 'b',
        },
      ],
    })
    await editPrState(c, api.fake().orgId, 93_001, 'closed')
    expect(limiter.remaining('pr_edit')).to.equal(29)
    const standardBefore = limiter.remaining('standard')
    await prAgentsAction(c, api.fake().orgId, 'unban', run.id)
    expect(limiter.remaining('standard')).to.equal(standardBefore - 1)

    // The sixth waits in the limiter: aborted before it was sent, the fake never saw it.
    const sent = api.fake().requests.length
    const controller = new AbortController()
    const sixth = generateSetupCommands(c, api.fake().orgId, {repo_id: repoId}, {signal: controller.signal})
    controller.abort(new Error('gave up waiting'))
    await sixth.then(
      () => expect.fail('the sixth setup command was sent'),
      (error: Error) => expect(error.message).to.equal('gave up waiting'),
    )
    expect(api.fake().requests).to.have.length(sent)
    expect(api.fake().requests.filter((r) => r.status === 429)).to.have.length(0)
  })
})
