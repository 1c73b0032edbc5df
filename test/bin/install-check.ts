// The published package, installed as a user would: `npm pack`, then `npm install -g` of the tarball
// into a temporary prefix, then every kind of command run from the installed binary, with nothing of
// the checkout around it (no node_modules: the package declares no dependencies). .ci/run runs it
// after the build; by hand: `npm run build && node --import tsx test/bin/install-check.ts`.
// It fails if the install is over 10 MB on disk or a command fails; it prints the tarball's size,
// the installed size and the install's wall time (speed is reported, not asserted: BENCHMARKS.md).
import {Client} from '@modelcontextprotocol/sdk/client/index.js'
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js'
import {execFile, execFileSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {startFakeApi} from '../fake-api/server.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const MAX_INSTALLED_BYTES = 10 * 1024 * 1024
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/** Disk usage as du counts it (allocated blocks), of every file under dir. */
function diskUsage(dir: string): number {
  let total = 0
  for (const entry of fs.readdirSync(dir, {withFileTypes: true, recursive: true})) {
    const stat = fs.lstatSync(path.join(entry.parentPath, entry.name))
    total += stat.blocks * 512
  }
  return total + fs.lstatSync(dir).blocks * 512
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

function check(condition: unknown, what: string, detail = ''): asserts condition {
  if (!condition) throw new Error(`install check failed: ${what}${detail ? `\n${detail}` : ''}`)
  process.stdout.write(`ok  ${what}\n`)
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenapi-install-'))
  const fake = await startFakeApi({runCount: 30})
  try {
    const packed = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', work], {cwd: ROOT, encoding: 'utf8'})) as {
      filename: string
      size: number
      entryCount: number
    }[]
    const tarball = path.join(work, packed[0].filename)
    const prefix = path.join(work, 'prefix')
    const started = process.hrtime.bigint()
    execFileSync(npm, ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel', 'error', tarball], {
      cwd: work,
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    const installMs = Number(process.hrtime.bigint() - started) / 1e6
    const installed = diskUsage(prefix)
    const pkgDir = path.join(prefix, 'lib', 'node_modules', 'codegenapi')
    process.stdout.write(
      `tarball ${mib(packed[0].size)} (${packed[0].entryCount} files); installed ${mib(installed)} on disk; npm install -g took ${(installMs / 1000).toFixed(1)} s\n`,
    )
    check(installed <= MAX_INSTALLED_BYTES, `installed size ${mib(installed)} <= ${mib(MAX_INSTALLED_BYTES)}`)
    check(!fs.existsSync(path.join(pkgDir, 'node_modules')), 'the package installed no dependencies')

    const home = path.join(work, 'home')
    fs.mkdirSync(home)
    const env = {
      PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_STATE_HOME: path.join(home, '.local', 'state'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      NO_COLOR: '1',
      CODEGEN_API_BASE_URL: fake.url,
      CODEGEN_API_TOKEN: fake.token,
      CODEGEN_ORG_ID: String(fake.orgId),
    }
    const bin = path.join(prefix, 'bin', process.platform === 'win32' ? 'codegenapi.cmd' : 'codegenapi')
    // Asynchronous: the fake API answers from this very process.
    const run = (...args: string[]) =>
      new Promise<{code: number; stdout: string; stderr: string; all: string}>((resolve) =>
        execFile(bin, args, {env, cwd: home, encoding: 'utf8', timeout: 30_000}, (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
          resolve({code, stdout, stderr, all: `exit ${code}\n${stdout}\n${stderr}`})
        }),
      )
    const {version} = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {version: string}

    let res = await run('--version')
    check(res.code === 0 && res.stdout.startsWith(`codegenapi/${version} `), '--version', res.all)
    res = await run('--help')
    check(res.code === 0 && res.stdout.includes('USAGE') && res.stdout.includes('list'), '--help', res.all)
    res = await run('help', 'list')
    check(res.code === 0 && res.stdout.includes('$ codegenapi list'), 'help list (oclif plugin-help, bundled)', res.all)
    res = await run('list', '--json', '--limit', '5')
    check(
      res.code === 0 && res.stderr === '' && (JSON.parse(res.stdout) as unknown[]).length === 5,
      'list --json against the fake API',
      res.all,
    )
    res = await run('--sandbox', 'list', '--json', '--limit', '3')
    check(res.code === 0 && (JSON.parse(res.stdout) as unknown[]).length === 3, '--sandbox list --json (the sandbox, bundled)', res.all)
    res = await run('list', '--json', '--limit', '2', '--jq', '.[0].id')
    check(res.code === 0 && /^\d+\n$/.test(res.stdout), 'list --json --jq (jq-wasm, bundled)', res.all)
    res = await run('lst')
    check(res.code === 2 && res.stderr.includes('`codegenapi list`'), 'lst: a usage error that suggests list', res.all)
    res = await run('autocomplete', 'bash')
    check(
      res.code === 0 && res.stdout.includes('CODEGENAPI_AC_BASH_SETUP_PATH'),
      'autocomplete bash (oclif plugin-autocomplete, bundled)',
      res.all,
    )
    res = await run('autocomplete', 'create')
    const completions = path.join(home, '.cache', 'codegenapi', 'autocomplete', 'functions', 'bash', 'codegenapi.bash')
    check(res.code === 0 && fs.readFileSync(completions, 'utf8').includes('list'), 'autocomplete create writes the completions', res.all)

    const transport = new StdioClientTransport({command: bin, args: ['mcp', 'serve'], env, cwd: home, stderr: 'ignore'})
    const client = new Client({name: 'install-check', version: '1.0.0'})
    await client.connect(transport)
    try {
      const {tools} = await client.listTools()
      check(tools.length > 0, `mcp serve answers tools/list over stdio (${tools.length} tools)`)
    } finally {
      await client.close()
    }
    check(fake.contractViolations.length === 0, 'the fake API saw no contract violation', fake.contractViolations.join('\n'))
  } finally {
    await fake.close()
    fs.rmSync(work, {recursive: true, force: true})
  }
}

await main()
