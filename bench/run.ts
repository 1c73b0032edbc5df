// npm run bench: the speed and memory figures of issue 5, measured side by side in one run against the
// in-repo fake API on 127.0.0.1, printed as a table. Ratios are the targets; absolute times vary.
//   npm run bench               full run (about 4 minutes)
//   npm run bench -- --quick    a short smoke form (fewer repetitions, fewer runs watched for less long)
//   npm run bench -- --monitor-soak
//                               the monitor's case (a) with runs active for the full 10 minutes
//   npm run bench -- --monitor-only [--quick]
//                               only the run monitor's rows and the MCP server's RSS watching 1,000 runs
//   npm run bench -- --node 24 --startup-only
//                               the start-up rows on another Node (the npm registry's `node` package,
//                               through npx), each as a ratio to that Node's own `node -e 0`
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {Client} from '@modelcontextprotocol/sdk/client/index.js'
import {startFakeApi, type FakeApi} from '../test/fake-api/server.js'
import {BIN, ROOT, mcpServeTransport, type BenchRow, median, medianWalls, peakRssMiB, sandboxEnv, timed} from './lib.js'
import {monitorRows} from './monitor.js'

const quick = process.argv.includes('--quick')
const startupOnly = process.argv.includes('--startup-only')
const monitorOnly = process.argv.includes('--monitor-only')
const nodeVersion = process.argv.includes('--node') ? process.argv[process.argv.indexOf('--node') + 1] : undefined
/** The Node that runs the CLI and the baselines: this one, or `--node N` from the npm registry. */
const NODE = nodeVersion
  ? execFileSync('npx', ['-y', '-p', `node@${nodeVersion}`, 'node', '-p', 'process.execPath'], {encoding: 'utf8'}).trim()
  : process.execPath
const REPS = quick ? 3 : 10
const RSS_RUNS = quick ? 200 : 1000

const rows: BenchRow[] = []
const fmt = (ms: number) => `${ms.toFixed(0)} ms`
const say = (text: string) => process.stderr.write(`${text}\n`)

/** A figure as a ratio to its baseline; with no limit, reported only. */
function ratioRow(figure: string, value: number, base: number, limit: number | undefined, unit = fmt) {
  const ratio = value / base
  rows.push({
    figure,
    measured: unit(value),
    baseline: unit(base),
    ratio: `${ratio.toFixed(2)}x`,
    target: limit === undefined ? '(reported)' : `<= ${limit}x`,
    ok: limit === undefined || ratio <= limit,
  })
}

function apiEnv(fake: FakeApi, extra: Record<string, string> = {}) {
  return sandboxEnv({
    CODEGEN_API_BASE_URL: fake.url,
    CODEGEN_API_TOKEN: fake.token,
    CODEGEN_ORG_ID: String(fake.orgId),
    ...extra,
  })
}

async function startup(fake: FakeApi) {
  say('start-up: --version, --help, list --json --limit 20')
  const env = apiEnv(fake)
  const node = NODE
  const [base, version, help, list] = await medianWalls(
    [
      {cmd: node, args: ['-e', '0']},
      {cmd: node, args: [BIN, '--version']},
      {cmd: node, args: [BIN, '--help']},
      {cmd: node, args: [BIN, 'list', '--json', '--limit', '20']},
    ],
    REPS,
    env,
  )
  ratioRow('`--version` (median of cold runs)', version, base, 1.5)
  ratioRow('`--help`', help, base, 2.5)
  ratioRow('`list --json --limit 20` (fake API)', list, base, 3)
  const rssBase = await peakRssMiB(node, ['-e', '0'], env)
  const rss = await peakRssMiB(node, [BIN, 'list', '--json'], env)
  ratioRow('peak RSS of `list --json`', rss, rssBase, 1.6, (v) => `${v.toFixed(1)} MiB`)
  await firstAndSecondRun(fake)
}

/**
 * `list --json` with no code cache of the user's (the first run after an install or a Node upgrade:
 * on another Node than the build's, compiled from source), then again (the second run: from the
 * cache the first wrote). Each round empties the user's cache; the three take turns within a round.
 */
async function firstAndSecondRun(fake: FakeApi) {
  say('start-up: list --json, first and second run')
  const env = apiEnv(fake)
  const cacheDir = path.join(env.HOME!, 'code-cache-bench')
  const listEnv = {...env, CODEGENAPI_CACHE_DIR: cacheDir}
  const list = [BIN, 'list', '--json', '--limit', '20']
  const times: number[][] = [[], [], []]
  for (let i = 0; i <= REPS; i++) {
    fs.rmSync(cacheDir, {recursive: true, force: true})
    const round = [await timed(NODE, ['-e', '0'], env), await timed(NODE, list, listEnv), await timed(NODE, list, listEnv)]
    for (const r of round) if (r.code !== 0) throw new Error(`list --json exited ${r.code}: ${r.stderr.slice(0, 500)}`)
    if (i > 0) round.forEach((r, j) => times[j].push(r.ms)) // round 0 warms the file cache
  }
  const [base, first, second] = times.map(median)
  ratioRow('`list --json --limit 20`, first run (no user code cache)', first, base, undefined)
  ratioRow('`list --json --limit 20`, second run', second, base, 3)
}

async function spawnToToolsList(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ms: number; tools: number}> {
  const started = process.hrtime.bigint()
  const transport = mcpServeTransport(env, command, args)
  const client = new Client({name: 'bench', version: '0'})
  await client.connect(transport)
  const {tools} = await client.listTools()
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  await client.close()
  return {ms, tools: tools.length}
}

async function mcpStartup(fake: FakeApi) {
  say('mcp serve: spawn to tools/list')
  const env = apiEnv(fake)
  const ours: number[] = []
  const bare: number[] = []
  let toolCount = 0
  // Interleaved, after one warm-up of each, so both see the same machine state.
  await spawnToToolsList(NODE, [BIN, 'mcp', 'serve'], env)
  for (let i = 0; i < REPS; i++) {
    const r = await spawnToToolsList(NODE, [BIN, 'mcp', 'serve'], env)
    toolCount = r.tools
    ours.push(r.ms)
    if (i === 0) await spawnToToolsList(NODE, [path.join(ROOT, 'bench', 'bare-server.mjs'), String(toolCount)], env)
    bare.push((await spawnToToolsList(NODE, [path.join(ROOT, 'bench', 'bare-server.mjs'), String(toolCount)], env)).ms)
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  ratioRow(`\`mcp serve\` spawn to tools/list (${toolCount} tools)`, med(ours), med(bare), 1.3)
}

async function listRequests() {
  say('requests spent by list --status failed --limit 100 over 10,000 runs')
  const fake = await startFakeApi({runCount: 10_000, failedFraction: 0.01, validate: false})
  try {
    const matches = fake.runs.map((r, i) => ({i, failed: (r.status ?? '').toUpperCase() === 'FAILED'})).filter((r) => r.failed)
    const needed = matches.length >= 100 ? Math.floor(matches[99].i / 100) + 1 : Math.ceil(fake.runs.length / 100)
    const res = await timed(process.execPath, [BIN, 'list', '--status', 'failed', '--limit', '100', '--json'], apiEnv(fake))
    if (res.code !== 0) throw new Error(res.stderr)
    const spent = fake.requests.filter((r) => r.path.endsWith('/agent/runs')).length
    rows.push({
      figure: '`list --status failed --limit 100`, 10,000 runs, 1% failed',
      measured: `${spent} requests`,
      baseline: `${needed} pages`,
      ratio: spent === needed ? 'equal' : `${spent - needed > 0 ? '+' : ''}${spent - needed}`,
      target: 'equal',
      ok: spent === needed,
    })
  } finally {
    await fake.close()
  }
}

function seedState(env: NodeJS.ProcessEnv, ids: number[]) {
  const dir = path.join(env.XDG_STATE_HOME!, 'codegenapi')
  fs.mkdirSync(dir, {recursive: true, mode: 0o700})
  const now = new Date().toISOString()
  const runs = Object.fromEntries(ids.map((id) => [String(id), {id, status: 'ACTIVE', prs: [], watched_since: now, watched: true}]))
  fs.writeFileSync(path.join(dir, 'runs.json'), JSON.stringify({version: 1, runs}), {mode: 0o600})
}

async function watchRss() {
  say(`MCP server RSS while watching ${RSS_RUNS} runs`)
  const fake = await startFakeApi({validate: false, runCount: 20})
  try {
    const ids = Array.from({length: RSS_RUNS}, () => fake.addRun({status: 'ACTIVE'}).id)
    const env = apiEnv(fake, {CODEGENAPI_MONITOR_INTERVAL_MS: '500'})
    seedState(env, ids)
    const transport = mcpServeTransport(env)
    const client = new Client({name: 'bench', version: '0'})
    await client.connect(transport)
    await client.listTools()
    // Let the monitor go round a few times over all the runs.
    await new Promise((r) => setTimeout(r, quick ? 5000 : 15_000))
    const status = fs.readFileSync(`/proc/${transport.pid}/status`, 'utf8')
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024
    const polled = fake.requests.filter((r) => r.path.endsWith('/agent/runs')).length
    await client.close()
    rows.push({
      figure: `MCP server peak RSS watching ${RSS_RUNS} runs`,
      measured: `${hwm.toFixed(1)} MiB`,
      baseline: `${polled} list requests`,
      ratio: '',
      target: '<= 120 MB',
      ok: hwm <= (120 * 1e6) / 1048576,
    })
  } finally {
    await fake.close()
  }
}

function printTable() {
  const header = ['figure', 'measured', 'baseline (same run)', 'ratio', 'target', 'ok']
  const data = rows.map((r) => [r.figure, r.measured, r.baseline, r.ratio, r.target, r.ok ? 'yes' : 'NO'])
  const widths = header.map((h, i) => Math.max(h.length, ...data.map((d) => d[i].length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`
  const out = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...data.map(line)]
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  process.stdout.write(
    `\nnode ${nodeVersion ? execFileSync(NODE, ['--version'], {encoding: 'utf8'}).trim() : process.version}, ${os.cpus().length} x ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}${quick ? ' (quick)' : ''}\n\n${out.join('\n')}\n`,
  )
}

if (!monitorOnly) {
  const fake = await startFakeApi({validate: false})
  try {
    await startup(fake)
    await mcpStartup(fake)
  } finally {
    await fake.close()
  }
}
if (!startupOnly) {
  if (!monitorOnly) await listRequests()
  rows.push(...(await monitorRows({quick, soak: process.argv.includes('--monitor-soak')})))
  await watchRss()
}
printTable()
process.exitCode = rows.every((r) => r.ok) ? 0 : 1
