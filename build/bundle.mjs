// The two bundles, made by esbuild: dist/cli.cjs (every command with oclif, got, zod/mini and our
// services, in ONE CommonJS file that bin/load-cli.cjs runs from a V8 code cache) and dist/mcp/ (the MCP
// server with the SDK, an ES module bundle that only `mcp serve` loads). tsc checks types; this only emits.
import {build} from 'esbuild'
import fs from 'node:fs'
import path from 'node:path'
import {dependencyPatches, unusedGotFeatures} from './patches.mjs'
import {pluginCommands} from './plugin-commands.mjs'

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
export const DIST = path.join(ROOT, 'dist')
const {version} = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
const walk = (dir) =>
  fs.readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))

// Reads as esbuild's __toESM copy would: `default` is the module itself unless it is a converted ES module.
const PROXY_TO_ESM = [
  'var __cgNamespaces = [new WeakMap(), new WeakMap()];',
  'var __cgToESM = (mod, isNodeMode) => {',
  "  if (mod == null || (typeof mod !== 'object' && typeof mod !== 'function')) return (0, __toESM)(mod, isNodeMode);",
  '  const withDefault = Boolean(isNodeMode || !mod.__esModule), seen = __cgNamespaces[Number(withDefault)];',
  '  let ns = seen.get(mod);',
  "  if (!ns) seen.set(mod, (ns = new Proxy(mod, {get: (target, key) => (withDefault && key === 'default' ? target : target[key])})));",
  '  return ns;',
  '};',
]

// Chunks: code the CLI bundle loads from files of their own (dist/chunks/NAME.cjs), only when a rare
// path needs it, so that it is neither read nor compiled by other commands (nor in the code cache):
// jq (jq-wasm: jq compiled to WebAssembly, embedded; 1.3 MB) for --jq, and oclif's plugins' commands
// (help, autocomplete) for those commands. A chunk shares oclif with the bundle (one instance: its
// classes and settings) through SHARED; nothing else of ours may be in a chunk (it would be a second copy).
const SHARED = '__cgShared'
const CHUNKED_PACKAGES = ['jq-wasm']
const chunkName = (pkg) => pkg.replace(/^@oclif\//, '')
const CHUNK_LOADER = "var __cgChunk = (name) => require(require('node:path').join(__dirname, 'chunks', name + '.cjs'));"

/** In the CLI bundle, an import of a chunked package becomes the chunk, required when first evaluated. */
const chunkStubs = {
  name: 'chunk-stubs',
  setup(b) {
    const filter = new RegExp(`^(${CHUNKED_PACKAGES.map((p) => p.replace(/[/.-]/g, '\\$&')).join('|')})$`)
    b.onResolve({filter}, (args) => ({path: args.path, namespace: 'chunk'}))
    b.onLoad({filter: /.*/, namespace: 'chunk'}, (args) => ({
      contents: `module.exports = __cgChunk(${JSON.stringify(chunkName(args.path))})`,
      loader: 'js',
    }))
  },
}

/** In a chunk, oclif is the bundle's own instance (dist/cli.cjs, already loaded: it loads the chunk). */
const sharedOclif = {
  name: 'shared-oclif',
  setup(b) {
    b.onResolve({filter: /^@oclif\/core(\/|$)/}, (args) => {
      if (args.path !== '@oclif/core') throw new Error(`a chunk imports ${args.path}: share it in build/bundle.mjs (${SHARED})`)
      return {path: args.path, namespace: 'shared'}
    })
    b.onLoad({filter: /.*/, namespace: 'shared'}, () => ({
      contents: `module.exports = require(require('node:path').join(__dirname, '..', 'cli.cjs')).${SHARED}['@oclif/core']`,
      loader: 'js',
    }))
  },
}

/** dist/chunks/: one CommonJS file per chunked package and per oclif plugin. */
export async function bundleChunks() {
  const byPlugin = {}
  for (const [id, {plugin, file}] of Object.entries(pluginCommands(ROOT))) (byPlugin[plugin] ??= []).push([id, file])
  const entries = [
    ...CHUNKED_PACKAGES.map((pkg) => [chunkName(pkg), `module.exports = require(${JSON.stringify(pkg)})`]),
    ...Object.entries(byPlugin).map(([plugin, commands]) => [
      chunkName(plugin),
      `module.exports = {${commands.map(([id, file]) => `get ${JSON.stringify(id)}() { return require(${JSON.stringify(file)}).default }`).join(', ')}}`,
    ]),
  ]
  await Promise.all(
    entries.map(async ([name, contents]) => {
      const outfile = path.join(DIST, 'chunks', `${name}.cjs`)
      const result = await build({
        ...common,
        stdin: {contents, resolveDir: ROOT, sourcefile: `${name}-chunk.js`, loader: 'js'},
        format: 'cjs',
        outfile,
        plugins: [sharedOclif],
        metafile: true,
        minifyWhitespace: true,
        minifySyntax: true,
      })
      const ours = Object.keys(result.metafile.inputs).filter((f) => f.startsWith('src/'))
      if (ours.length) throw new Error(`chunk ${name} contains our own modules (they would be second copies): ${ours.join(', ')}`)
    }),
  )
}

const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // cosmiconfig's TypeScript loader is never used (executable config files are refused): its optional
  // require('typescript') fails and is caught. Everything else is bundled: the package has no dependencies.
  external: ['typescript'],
  define: {__CODEGENAPI_VERSION__: JSON.stringify(version)},
  legalComments: 'none',
  logLevel: 'warning',
}

/**
 * The command table oclif's explicit discovery reads, one entry per file under src/commands, and the
 * commands of oclif's plugins (build/plugin-commands.mjs). Each entry is a getter: a command's module
 * (and what it imports) is evaluated only when that command runs; a plugin's command is read from
 * its chunk (dist/chunks/), a file of its own that only then is loaded.
 */
function commandsEntry() {
  const files = walk(path.join(ROOT, 'src', 'commands'))
    .filter((f) => f.endsWith('.ts'))
    .sort()
  const idOf = (f) =>
    path
      .relative(path.join(ROOT, 'src', 'commands'), f)
      .replace(/\.ts$/, '')
      .split(path.sep)
      .join(':')
  const entry = (f) =>
    `  get ${JSON.stringify(idOf(f))}() { return require('./${path.relative(ROOT, f).split(path.sep).join('/')}').default },`
  const plugins = Object.entries(pluginCommands(ROOT, files.map(idOf))).map(
    ([id, {plugin}]) => `  get ${JSON.stringify(id)}() { return __cgChunk(${JSON.stringify(chunkName(plugin))})[${JSON.stringify(id)}] },`,
  )
  return [
    "export {run} from './src/cli.ts'",
    'export const COMMANDS = {',
    ...files.map(entry),
    ...plugins,
    '}',
    // What the chunks share with this bundle (build/chunks below): the one instance of oclif.
    `export const ${SHARED} = {get '@oclif/core'() { return require('@oclif/core') }}`,
  ].join('\n')
}

/**
 * dist/cli.cjs. Optimised (the default): the patches, and ASCII only, so bin/load-cli.cjs can read it
 * as latin1 for its code cache. Plain: esbuild's output as it is, for bin/load-cli.cjs to require().
 */
export async function bundleCli({plain = false, skip = new Set()} = {}) {
  const file = path.join(DIST, 'cli.cjs')
  const use = (name) => !plain && !skip.has(name)
  const result = await build({
    ...common,
    stdin: {contents: commandsEntry(), resolveDir: ROOT, sourcefile: 'commands-entry.ts', loader: 'ts'},
    format: 'cjs',
    outfile: file,
    // In one CommonJS file import.meta.url is the bundle's own URL: files of the package are found from it.
    define: {...common.define, 'import.meta.url': '__cgBundleUrl'},
    banner: {
      js: [
        "var __cgBundleUrl = require('node:url').pathToFileURL(__filename).href;",
        CHUNK_LOADER,
        ...(use('proxy-to-esm') ? PROXY_TO_ESM : []),
      ].join('\n'),
    },
    plugins: [chunkStubs, ...(use('unused-got-features') ? [unusedGotFeatures] : []), ...(plain ? [] : [dependencyPatches(skip)])],
    metafile: true,
    // Less source to read and keep in memory; names stay (oclif and our errors go by class names).
    // CODEGENAPI_BUILD_READABLE=1 keeps the layout, with each module's path above it, for profiling.
    minifyWhitespace: !process.env.CODEGENAPI_BUILD_READABLE,
    minifySyntax: !process.env.CODEGENAPI_BUILD_READABLE,
  })
  const ours = Object.keys(result.metafile.inputs).filter((f) => f.startsWith('src/'))
  const mcp = ours.filter((f) => f.startsWith('src/mcp/'))
  if (mcp.length) throw new Error(`The CLI bundle must not contain the MCP server (load it through src/mcp-loader.ts): ${mcp.join(', ')}`)
  // esbuild keeps import() of what it does not bundle, and such an import() fails in code run from the
  // cache: Node's built-ins are imported statically (the module that needs one is itself loaded lazily).
  const builtinImports = ours.filter((f) => /\bimport\(\s*['"]node:/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')))
  if (builtinImports.length)
    throw new Error(`import('node:...') fails in the CLI bundle; import it statically: ${builtinImports.join(', ')}`)
  let code = fs.readFileSync(file, 'utf8')
  if (use('proxy-to-esm')) {
    // esbuild gives every ES module that imports a CommonJS module or a Node built-in its own copy of its
    // exports (__toESM: a getter per property, ~100 for node:process or node:fs). __cgToESM (banner)
    // answers the same reads through one memoized Proxy per module instead.
    if (!/__toESM\(/.test(code)) throw new Error('no __toESM( call in the bundle: review PROXY_TO_ESM in build/bundle.mjs')
    code = code.replace(/\b__toESM\(/g, '__cgToESM(')
  }
  // ASCII, so bin/load-cli.cjs can read it as latin1. esbuild escapes non-ASCII text except inside
  // regular expressions (ansi-regex has a raw U+009B), where a \u escape means the same.
  // eslint-disable-next-line no-control-regex -- the range starts at NUL on purpose: everything outside ASCII
  const ascii = code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  // The first line says how it was built. (The code cache is keyed to a hash of the whole file, taken
  // by bin/load-cli.cjs as it loads it: an edited bundle never runs old code.)
  fs.writeFileSync(file, `// codegenapi build${plain ? ' plain' : ''}\n${ascii}`)
}
/** dist/mcp/: the MCP server, an ES module bundle of its own (only `mcp serve` loads it). */
export async function bundleMcp({plain = false, skip = new Set()} = {}) {
  await build({
    ...common,
    entryPoints: walk(path.join(ROOT, 'src', 'mcp')).filter((f) => f.endsWith('.ts')),
    format: 'esm',
    splitting: true,
    outdir: 'dist/mcp',
    outbase: 'src/mcp',
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    // CommonJS dependencies inside an ESM bundle still call require() for Node's built-ins.
    banner: {js: "import {createRequire as __cgCreateRequire} from 'node:module'; const require = __cgCreateRequire(import.meta.url);"},
    plugins: plain ? [] : [...(skip.has('unused-got-features') ? [] : [unusedGotFeatures]), dependencyPatches(skip)],
  })
}
