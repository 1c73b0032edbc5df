import {expect} from 'chai'
import {startFakeApi, type FakeApi, type FakeApiOptions} from '../fake-api/server.js'
import {Sandbox} from './cli.js'
import {until} from './wait.js'

/**
 * One fake API per suite, reset before each test; after each test, everything the fake sent must
 * have matched the OpenAPI contract and everything we sent must have matched its request schemas.
 */
export function useFakeApi(opts: FakeApiOptions = {}): {
  fake: () => FakeApi
  box: () => Sandbox
  env: (extra?: Record<string, string | undefined>) => NodeJS.ProcessEnv
} {
  let fake: FakeApi
  let box: Sandbox
  before(async () => {
    fake = await startFakeApi(opts)
  })
  after(async () => {
    await fake?.close()
  })
  beforeEach(() => {
    fake.reset()
    box = new Sandbox()
  })
  afterEach(() => {
    box.remove()
    expect(fake.contractViolations, 'responses that break the OpenAPI contract').to.deep.equal([])
    expect(fake.requestViolations, 'requests that break the OpenAPI contract').to.deep.equal([])
  })
  return {
    fake: () => fake,
    box: () => box,
    env: (extra = {}) =>
      box.env({
        CODEGEN_API_BASE_URL: fake.url,
        CODEGEN_API_TOKEN: fake.token,
        CODEGEN_ORG_ID: String(fake.orgId),
        CODEGENAPI_NO_PROJECT_CONFIG: '1',
        ...extra,
      }),
  }
}

/** Resolves once the fake's request journal holds `count` requests that `match`. */
export function untilRequests(
  fake: FakeApi,
  match: (r: FakeApi['requests'][number]) => boolean,
  count = 1,
  timeoutMs = 15_000,
): Promise<void> {
  return until(() => fake.requests.filter(match).length >= count, `${count} matching requests at the fake`, timeoutMs)
}
