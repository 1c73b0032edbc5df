import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {allOutputs, BIN, ROOT} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'
import {spawnTracked} from '../helpers/processes.js'

// The MCP Inspector's CLI mode (@modelcontextprotocol/inspector 2.x) as an independent client. Its
// package asks for Node 22, but its CLI mode runs on Node 20; if that stops being true, these tests
// are skipped with the reason printed.

const LAUNCHER = path.join(ROOT, 'node_modules', '@modelcontextprotocol', 'inspector', 'clients', 'launcher', 'build', 'index.js')

function inspector(args: string[], env: NodeJS.ProcessEnv): Promise<{code: number | null; stdout: string; stderr: string}> {
  const serverEnv = [
    'HOME',
    'XDG_CONFIG_HOME',
    'XDG_STATE_HOME',
    'XDG_CACHE_HOME',
    'CODEGEN_API_BASE_URL',
    'CODEGEN_API_TOKEN',
    'CODEGEN_ORG_ID',
    'CODEGENAPI_NO_PROJECT_CONFIG',
  ]
    .filter((k) => env[k] !== undefined)
    .flatMap((k) => ['-e', `${k}=${env[k]}`])
  const argv = [LAUNCHER, '--cli', ...serverEnv, process.execPath, BIN, 'mcp', 'serve', ...args]
  return new Promise((resolve, reject) => {
    const child = spawnTracked(process.execPath, argv, {
      env: {PATH: process.env.PATH, HOME: env.HOME, MCP_CATALOG_PATH: path.join(env.HOME!, 'inspector-catalog.json')},
      cwd: env.HOME,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      allOutputs.push({args: ['inspector', ...args], text: `${stdout}\n${stderr}`})
      resolve({code, stdout, stderr})
    })
  })
}

describe('MCP Inspector CLI against mcp serve', function () {
  const api = useFakeApi()
  let unavailable: string | undefined

  before(async function () {
    if (!fs.existsSync(LAUNCHER)) unavailable = `${LAUNCHER} is not installed (npm ci installs @modelcontextprotocol/inspector)`
    else {
      const probe = await new Promise<{code: number | null; out: string}>((resolve) => {
        const child = spawnTracked(process.execPath, [LAUNCHER, '--cli', '--help'], {stdio: ['ignore', 'pipe', 'pipe']})
        let out = ''
        child.stdout.on('data', (d) => (out += d))
        child.stderr.on('data', (d) => (out += d))
        child.on('close', (code) => resolve({code, out}))
      })
      if (probe.code !== 0)
        unavailable = `the Inspector CLI does not run on Node ${process.version}: ${probe.out.trim().split('\n').slice(-3).join(' ')}`
    }
    if (unavailable) {
      process.stderr.write(`\n    Skipping the MCP Inspector tests: ${unavailable}.\n`)
      this.skip()
    }
  })

  it('tools/list --strict: every tool, no schema portability finding', async () => {
    const r = await inspector(['--method', 'tools/list', '--strict', '--format', 'json'], api.env())
    expect(r.code, r.stderr).to.equal(0)
    const out = JSON.parse(r.stdout)
    expect(out.result.tools.map((t: any) => t.name)).to.include.members([
      'codegenapi_new',
      'codegenapi_wait_for_agent_run',
      'codegenapi_run',
    ])
    expect(out.schemaFindings, JSON.stringify(out.schemaFindings)).to.equal(undefined)
    expect(r.stderr).not.to.match(/portability|Warning: tool/)
  })

  it('tools/call: reads an agent run from the fake API', async () => {
    const run = api.fake().runs.find((x) => x.status === 'COMPLETE')!
    const r = await inspector(
      ['--method', 'tools/call', '--tool-name', 'codegenapi_get_agent_run', '--tool-arg', `agent_run_id=${run.id}`, '--format', 'json'],
      api.env(),
    )
    expect(r.code, r.stderr).to.equal(0)
    const out = JSON.parse(r.stdout)
    expect(out.result.structuredContent).to.include({id: run.id, status: 'COMPLETE'})
  })

  it('tools/call: a failing call is an isError result (the Inspector exits non-zero)', async () => {
    const r = await inspector(
      ['--method', 'tools/call', '--tool-name', 'codegenapi_get_agent_run', '--tool-arg', 'agent_run_id=99999999', '--format', 'json'],
      api.env(),
    )
    expect(r.code).to.not.equal(0)
    expect(r.stdout + r.stderr).to.include('isError')
  })
})
