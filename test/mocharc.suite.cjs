// The whole suite (`npm test`): the settings of .mocharc.json, run in parallel with the slowest files
// dispatched first. Most of a test's time is spent waiting on sockets, timers and child processes, not on
// the CPU, so four workers keep this 2-core machine busy where two left it half idle; and a long file
// started last would otherwise run alone at the end. Ad hoc runs (`npx mocha FILE`) use .mocharc.json.
const fs = require('node:fs')
const path = require('node:path')
const base = require('../.mocharc.json')

// The files that take longest (`npx mocha --reporter json` sums their tests' durations), longest first.
const SLOWEST_FIRST = [
  'mcp/http.test.ts',
  'mcp/server.test.ts',
  'api/faults.test.ts',
  'mcp/start-run.test.ts',
  'fake-api.test.ts',
  'commands/lifecycle.test.ts',
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

module.exports = {...base, parallel: true, jobs: 4, spec: ordered.map((file) => path.join('test', file))}
