// The whole suite (`npm test`): the settings of .mocharc.json, run in parallel with the slowest files
// dispatched first. Many tests spend their time waiting on timers (rate limits, poll intervals), sockets
// and child processes rather than on the CPU: on this 2-core machine, idle, six workers take 44 s (and
// 77 s of CPU: each worker loads the CLI and the MCP server once), five 48 s, four 52 s (67 s of CPU);
// a long file started last would otherwise run alone at the end. CODEGENAPI_TEST_JOBS overrides the
// count. Ad hoc runs (`npx mocha FILE`) use .mocharc.json.
const fs = require('node:fs')
const path = require('node:path')
const base = require('../.mocharc.json')

// The files that take longest (`npx mocha --reporter json` sums their tests' durations), longest first.
const SLOWEST_FIRST = [
  'mcp/monitor-load.test.ts',
  'mcp/http.test.ts',
  'mcp/server.test.ts',
  'api/faults.test.ts',
  'commands/watch.test.ts',
  'bin/start-up.test.ts',
  'commands/lifecycle.test.ts',
  'mcp/start-run.test.ts',
  'fake-api.test.ts',
  'mcp/lifecycle.test.ts',
  'mcp/clients.test.ts',
  'commands/attempts.test.ts',
  'mcp/monitor-limits.test.ts',
]

function testFiles(dir) {
  return fs
    .readdirSync(dir, {withFileTypes: true})
    .flatMap((entry) => {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) return testFiles(full)
      return entry.name.endsWith('.test.ts') ? [full] : []
    })
    .sort()
}

const files = testFiles(__dirname).map((file) => path.relative(__dirname, file))
const missing = SLOWEST_FIRST.filter((file) => !files.includes(file))
if (missing.length > 0) throw new Error(`test/mocharc.suite.cjs names test files that do not exist: ${missing.join(', ')}`)
const ordered = [...SLOWEST_FIRST, ...files.filter((file) => !SLOWEST_FIRST.includes(file))]

module.exports = {
  ...base,
  parallel: true,
  jobs: Number(process.env.CODEGENAPI_TEST_JOBS ?? 6),
  spec: ordered.map((file) => path.join('test', file)),
}
