import {expect} from 'chai'
import {allOutputs} from './helpers/cli.js'

/** Tokens the suite hands to the CLI: none may ever appear in anything it printed. */
export const TEST_TOKENS = [
  'test-token-9f8e7d6c5b4a',
  'cfg-secret-token-0123456789abcdef',
  'project-token-should-not-be-used',
  'wrong-token-value-xyz',
]

export const mochaHooks = {
  afterAll() {
    const leaks = allOutputs.filter((o) => TEST_TOKENS.some((t) => o.text.includes(t)))
    expect(allOutputs.length, 'outputs recorded').to.be.greaterThan(0)
    expect(
      leaks.map((l) => `codegenapi ${l.args.join(' ')}`),
      'outputs that contain a test token',
    ).to.deep.equal([])
  },
}
