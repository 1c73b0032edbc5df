// `npm run conformance`: the official MCP conformance suite (@modelcontextprotocol/conformance), server
// scenarios, against `codegenapi mcp serve --http` (every toolset) backed by the in-repo fake API.
// The suite needs Node 22: npx takes it from the npm registry's `node` package, so no system install
// is needed. Scenario names as arguments run just those (`npm run conformance -- server-initialize`).
// Results: one line per scenario here, the details under the printed results directory.
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {startFakeApi} from '../fake-api/server.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const SUITE = '@modelcontextprotocol/conformance@0.1.16'
const NODE = 'node@22'

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenapi-conformance-'))
const fake = await startFakeApi({runDurationMs: 2000})
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: home,
  CODEGEN_API_BASE_URL: fake.url,
  CODEGEN_API_TOKEN: fake.token,
  CODEGEN_ORG_ID: String(fake.orgId),
  CODEGENAPI_NO_PROJECT_CONFIG: '1',
  CODEGENAPI_MONITOR_INTERVAL_MS: '200',
}

const server = spawn(process.execPath, [path.join(ROOT, 'bin', 'run.js'), 'mcp', 'serve', '--http', '--port', '0', '--toolsets', 'all'], {
  env,
  cwd: home,
  stdio: ['ignore', 'inherit', 'pipe'],
})
let serverLog = ''
const url = await new Promise<string>((resolve, reject) => {
  server.stderr.setEncoding('utf8').on('data', (d: string) => {
    serverLog += d
    const m = /listening on (http:\/\/\S+)/.exec(serverLog)
    if (m) resolve(m[1])
  })
  server.once('exit', (code) => reject(new Error(`mcp serve exited ${code}:\n${serverLog}`)))
})

// Every server scenario of the pinned suite, and whether it applies to this server (CONFORMANCE.md).
const APPLICABLE = [
  'server-initialize',
  'logging-set-level',
  'ping',
  'tools-list',
  'resources-list',
  'server-sse-polling',
  'server-sse-multiple-streams',
  'dns-rebinding-protection',
]
const NOT_APPLICABLE: Record<string, string> = {
  'completion-complete': 'no completions capability (no prompts, no completable arguments)',
  'tools-call-simple-text': "calls the suite's fixture tool test_simple_text",
  'tools-call-image': "calls the suite's fixture tool test_image_content",
  'tools-call-audio': "calls the suite's fixture tool test_audio_content",
  'tools-call-embedded-resource': "calls the suite's fixture tool test_embedded_resource",
  'tools-call-mixed-content': "calls the suite's fixture tool test_multiple_content_types",
  'tools-call-with-logging': "calls the suite's fixture tool test_tool_with_logging",
  'tools-call-error': "calls the suite's fixture tool test_error_handling",
  'tools-call-with-progress': "calls the suite's fixture tool test_tool_with_progress",
  'tools-call-sampling': 'the server never asks the client for sampling',
  'tools-call-elicitation': 'the server never asks the client for elicitation',
  'json-schema-2020-12': "calls the suite's fixture tool json_schema_2020_12_tool",
  'elicitation-sep1034-defaults': 'the server never asks the client for elicitation',
  'elicitation-sep1330-enums': 'the server never asks the client for elicitation',
  'resources-read-text': "reads the suite's fixture resource test://static-text",
  'resources-read-binary': "reads the suite's fixture resource test://static-binary",
  'resources-templates-read': "reads the suite's fixture template test://template/{id}/data",
  'resources-subscribe': "subscribes to the suite's fixture resource test://watched-resource",
  'resources-unsubscribe': "unsubscribes from the suite's fixture resource test://watched-resource",
  'prompts-list': 'no prompts capability',
  'prompts-get-simple': 'no prompts capability',
  'prompts-get-with-args': 'no prompts capability',
  'prompts-get-embedded-resource': 'no prompts capability',
  'prompts-get-with-image': 'no prompts capability',
}

const results = path.join(home, 'results')
fs.mkdirSync(results)
const npx = (args: string[], cwd: string) =>
  new Promise<{code: number; out: string}>((resolve) => {
    const child = spawn('npx', ['-y', '-p', NODE, '-p', SUITE, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {...process.env, npm_config_update_notifier: 'false'},
    })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.once('exit', (c) => resolve({code: c ?? 1, out}))
  })

process.stderr.write(`codegenapi MCP server at ${url}; conformance suite ${SUITE} on ${NODE} (npx)\n`)
const asked = process.argv.slice(2)
// The suite's own list: a scenario this script does not know is reported, so CONFORMANCE.md stays whole.
const listed = await npx(['conformance', 'list'], results)
const serverScenarios = [...(listed.out.split('Client scenarios')[0] ?? '').matchAll(/^\s+- (\S+)/gm)].map((m) => m[1])
const unknown = serverScenarios.filter((s) => !APPLICABLE.includes(s) && !(s in NOT_APPLICABLE))
let failed = unknown.length
const rows: string[] = []
for (const scenario of asked.length ? asked : APPLICABLE) {
  const r = await npx(['conformance', 'server', '--url', url, '--scenario', scenario, '-o', path.join(results, scenario)], results)
  const summary = /Passed: \d+\/\d+, \d+ failed, \d+ warnings/.exec(r.out)?.[0] ?? r.out.trim().split('\n').slice(-3).join(' ')
  if (r.code !== 0) failed++
  rows.push(`${r.code === 0 ? 'PASS' : 'FAIL'}  ${scenario}  (${summary})`)
  process.stdout.write(`${rows.at(-1)}\n`)
  if (r.code !== 0) process.stdout.write(r.out + '\n')
}
if (!asked.length) {
  for (const [scenario, why] of Object.entries(NOT_APPLICABLE)) process.stdout.write(`n/a   ${scenario}  (${why})\n`)
  for (const scenario of unknown)
    process.stdout.write(`NEW   ${scenario}  (not classified in test/mcp/conformance.ts and CONFORMANCE.md)\n`)
}
const code = failed === 0 ? 0 : 1

server.kill('SIGTERM')
await new Promise((resolve) => server.once('exit', resolve))
await fake.close()
process.stderr.write(
  `\n${failed === 0 ? 'Every applicable scenario passed' : `${failed} failed`}. Details (checks.json per scenario): ${results}\n`,
)
process.exit(code)
