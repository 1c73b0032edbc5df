// Bundles the CLI with esbuild: each command (and the MCP server) is an entry, shared code and the
// dependencies it uses (got, zod, cosmiconfig, ora, the MCP SDK) land in shared chunks. Loading a few
// files instead of hundreds of small modules is what makes `list --json` start fast. tsc checks types
// (`npm run typecheck`); this only emits.
import {build} from 'esbuild'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const walk = (dir) => fs.readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
const entryPoints = [path.join(root, 'src', 'main.ts'), ...walk(path.join(root, 'src', 'commands')).filter((f) => f.endsWith('.ts'))]

if (!process.argv.includes('--help-text')) {
fs.rmSync(path.join(root, 'dist'), {recursive: true, force: true})
await build({
  absWorkingDir: root,
  entryPoints,
  outdir: 'dist',
  outbase: 'src',
  entryNames: '[dir]/[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // cosmiconfig's TypeScript loader is never used (executable config files are refused).
  external: ['@oclif/plugin-*', 'typescript'],
  // CommonJS dependencies inside an ESM bundle still call require() for Node's built-ins.
  banner: {js: "import {createRequire as __cgCreateRequire} from 'node:module'; const require = __cgCreateRequire(import.meta.url);"},
  legalComments: 'none',
  logLevel: 'warning',
})
}

// `codegenapi --help` is the same text on every call: rendered once here (after `oclif manifest`,
// see package.json), printed by bin/run.js without loading oclif. The version line is filled in at
// run time.
export async function renderRootHelp() {
  const {execFileSync} = await import('node:child_process')
  const text = execFileSync(process.execPath, [path.join(root, 'bin', 'run.js'), '--help'], {
    env: {...process.env, COLUMNS: '80', NO_COLOR: '1', CODEGENAPI_NO_HELP_CACHE: '1'},
    encoding: 'utf8',
  })
  const {version} = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
  const versionLine = `codegenapi/${version} ${process.platform}-${process.arch} node-${process.version}`
  fs.writeFileSync(path.join(root, 'dist', 'help.txt'), text.replace(versionLine, '{{VERSION}}'))
}
if (process.argv.includes('--help-text')) await renderRootHelp()
