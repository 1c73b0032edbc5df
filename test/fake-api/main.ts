// Standalone fake API for benchmarks and manual use:
//   node --import tsx test/fake-api/main.ts [--port N] [--runs N] [--rate-limits] [--duration MS]
// prints {"url","token","orgId"} as one JSON line on stdout, then serves until SIGTERM or SIGINT.
import {parseArgs} from 'node:util'
import {startFakeApi} from './server.js'

const {values} = parseArgs({
  options: {
    port: {type: 'string'},
    runs: {type: 'string'},
    'rate-limits': {type: 'boolean', default: false},
    duration: {type: 'string'},
  },
})

const num = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`--${name} must be a non-negative integer\n`)
    process.exit(2)
  }
  return n
}

const fake = await startFakeApi({
  port: num('port', values.port),
  runCount: num('runs', values.runs),
  rateLimits: values['rate-limits'],
  runDurationMs: num('duration', values.duration),
})
process.stdout.write(`${JSON.stringify({url: fake.url, token: fake.token, orgId: fake.orgId})}\n`)

let closing = false
const stop = async () => {
  if (closing) return
  closing = true
  await fake.close()
  if (fake.contractViolations.length) process.stderr.write(`contract violations:\n${fake.contractViolations.join('\n')}\n`)
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
