import {expect} from 'chai'
import type {Context} from 'mocha'
import {allOutputs} from './helpers/cli.js'
import {killPid, killTrackedNow, osChildren, stopTracked, type OsChild} from './helpers/processes.js'

/** Tokens the suite hands to the CLI: none may ever appear in anything it printed. */
export const TEST_TOKENS = [
  'test-token-9f8e7d6c5b4a',
  'cfg-secret-token-0123456789abcdef',
  'project-token-should-not-be-used',
  'wrong-token-value-xyz',
]

// Children alive when a test's root after-each hook ran. Hooks registered later (a test file's own
// top-level afterEach) may still stop them; any still alive when the next test starts were leaked.
let suspects: {test: string; children: OsChild[]} | undefined
const leaks: string[] = []

function collectSuspects(): void {
  if (!suspects) return
  const alive = new Set(osChildren().map((c) => c.pid))
  for (const child of suspects.children.filter((c) => alive.has(c.pid))) {
    killPid(child.pid)
    leaks.push(`${suspects.test}: ${child.command}`)
  }
  suspects = undefined
}

// An interrupted run (Ctrl-C, CI's timeout) takes its children with it, then exits.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    killTrackedNow()
    for (const child of osChildren()) killPid(child.pid)
    process.stderr.write(`\n${signal}: test run interrupted; its child processes were stopped.\n`)
    process.exit(code)
  })
}

export const mochaHooks = {
  beforeEach() {
    collectSuspects()
  },

  // A test that fails half-way never reaches its own clean-up: what it started through
  // spawnTracked is stopped here, whatever the outcome.
  async afterEach(this: Context) {
    await stopTracked()
    const children = osChildren()
    if (children.length > 0) suspects = {test: this.currentTest?.fullTitle() ?? 'a test', children}
  },

  afterAll() {
    collectSuspects()
    const leaked = leaks.splice(0)
    // Whatever still holds the event loop open now would keep mocha from exiting after its summary:
    // name it and fail, rather than hang (no --exit: a leak is a bug to fix, not to hide). A parallel
    // worker runs file after file, and the pool ends it: there the watch is the main process's.
    if (process.env.MOCHA_WORKER_ID === undefined)
      setTimeout(() => {
        process.stderr.write(
          `\nThe test run is over but the process is still alive, held by: ${process.getActiveResourcesInfo().join(', ')}\n`,
        )
        process.exit(process.exitCode || 1)
      }, 10_000).unref()
    expect(leaked, 'child processes left running after their test').to.deep.equal([])
    const tokenLeaks = allOutputs.filter((o) => TEST_TOKENS.some((t) => o.text.includes(t)))
    expect(
      tokenLeaks.map((l) => `codegenapi ${l.args.join(' ')}`),
      'outputs that contain a test token',
    ).to.deep.equal([])
  },
}
