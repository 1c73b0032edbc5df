// Bundles the CLI with esbuild: each command is an entry, with oclif, got, zod/mini, cosmiconfig and
// ora in shared chunks; the MCP server (SDK, classic zod) is a second bundle that only `mcp serve` loads. Loading a few
// files instead of hundreds of small modules is what makes `list --json` start fast. tsc checks types
// (`npm run typecheck`); this only emits.
import {build} from 'esbuild'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const walk = (dir) => fs.readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
const entryPoints = [path.join(root, 'src', 'main.ts'), ...walk(path.join(root, 'src', 'commands')).filter((f) => f.endsWith('.ts'))]

if (!process.argv.includes('--help-text')) {
// got imports HTTP/2 and response-cache support at load time (~25 ms of every start-up here); we use
// neither (no `http2`, no `cache` option), so the bundle gets stand-ins that fail loudly if ever used.
const unusedGotFeatures = {
  name: 'unused-got-features',
  setup(b) {
    b.onResolve({filter: /^(http2-wrapper|cacheable-request)$/}, (args) => ({path: args.path, namespace: 'unused'}))
    b.onLoad({filter: /.*/, namespace: 'unused'}, (args) => ({
      contents:
        args.path === 'http2-wrapper'
          ? "const no = () => { throw new Error('codegenapi does not use HTTP/2') }; export default {auto: no, get globalAgent() { return no() }}"
          : "export default class CacheableRequest { constructor() { throw new Error('codegenapi does not use a response cache') } }; export class CacheError extends Error {}",
      loader: 'js',
    }))
  },
}

fs.rmSync(path.join(root, 'dist'), {recursive: true, force: true})
const common = {
  absWorkingDir: root,
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
}

// The MCP server (src/mcp, with the SDK and classic zod) is a bundle of its own, loaded only by
// `mcp serve`: shared chunks would otherwise make every CLI command load what only the server needs.
const mcpEntries = walk(path.join(root, 'src', 'mcp')).filter((f) => f.endsWith('.ts'))
const mcpDir = path.join(root, 'src', 'mcp') + path.sep
const serverApart = {
  name: 'mcp-server-apart',
  setup(b) {
    b.onResolve({filter: /\/mcp\//}, (args) => {
      const target = path.resolve(args.resolveDir, args.path)
      if (!args.importer.startsWith(mcpDir) && target.startsWith(mcpDir)) return {path: args.path, external: true}
      return undefined
    })
  },
}
await build({
  ...common,
  entryPoints,
  outdir: 'dist',
  outbase: 'src',
  entryNames: '[dir]/[name]',
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [unusedGotFeatures, serverApart],
})
await build({
  ...common,
  entryPoints: mcpEntries,
  outdir: 'dist/mcp',
  outbase: 'src/mcp',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [unusedGotFeatures],
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
