// npm run build (`node build/build.mjs`) and npm run build:plain (`node build/build.mjs --plain`).
// What each piece is for, and how to upgrade oclif or got: build/README.md.
//
// 1. build/bundle.mjs: dist/cli.cjs (every command in one CommonJS file), dist/chunks/ (jq and oclif's
//    plugins, loaded only by the commands that need them) and dist/mcp/ (the MCP server).
//    The default build applies the dependency patches of build/patches.mjs; --plain applies none.
// 2. `oclif manifest`: oclif.manifest.json, the command metadata oclif reads instead of loading commands.
// 3. dist/help.txt: the top-level help, printed by bin/run.js without loading oclif.
// 4. build/code-cache.mjs: the V8 code cache for this Node (not with --plain).
// CODEGENAPI_BUILD_SKIP=name,... leaves out the named patches (to measure what each gains: BENCHMARKS.md).
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {bundleChunks, bundleCli, bundleMcp, DIST, ROOT} from './bundle.mjs'
import {makeCodeCache} from './code-cache.mjs'

const plain = process.argv.includes('--plain')
const skip = new Set((process.env.CODEGENAPI_BUILD_SKIP ?? '').split(',').filter(Boolean))
const {version} = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))

fs.rmSync(DIST, {recursive: true, force: true})
await Promise.all([bundleCli({plain, skip}), bundleChunks(), bundleMcp({plain, skip})])
execFileSync(path.join(ROOT, 'node_modules', '.bin', 'oclif'), ['manifest'], {
  cwd: ROOT,
  // No check for a newer oclif (a network call and a warning in every build): upgrades are deliberate.
  env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'},
  stdio: ['ignore', 'ignore', 'inherit'],
})
renderRootHelp()
if (!plain) await makeCodeCache()
console.log(`built dist/ (${plain ? 'plain: no patches, no code cache' : skip.size ? `without ${[...skip].join(', ')}` : 'optimised'})`)

// `codegenapi --help` is the same text on every call: rendered once here, printed by bin/run.js
// without loading oclif. The version line is filled in at run time.
function renderRootHelp() {
  const text = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'run.js'), '--help'], {
    env: {...process.env, COLUMNS: '80', NO_COLOR: '1', CODEGENAPI_NO_HELP_CACHE: '1', CODEGENAPI_NO_CODE_CACHE: '1'},
    encoding: 'utf8',
  })
  const versionLine = `codegenapi/${version} ${process.platform}-${process.arch} node-${process.version}`
  fs.writeFileSync(path.join(DIST, 'help.txt'), text.replace(versionLine, '{{VERSION}}'))
}
