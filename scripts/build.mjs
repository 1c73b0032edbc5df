// npm run build: `node scripts/build.mjs && oclif manifest && node scripts/build.mjs --after-manifest`.
//
// 1. dist/cli.cjs: every command with oclif, got, zod/mini and our services in ONE CommonJS file, which
//    bin/load-cli.cjs runs from a V8 code cache (a CommonJS script can take one on Node 20; an ES module
//    cannot). One file instead of hundreds of modules, compiled code instead of source: that is what
//    makes `list --json` start fast.
// 2. dist/mcp/: the MCP server (src/mcp, with the SDK and classic zod), an ES module bundle of its own
//    that only `mcp serve` loads.
// 3. After `oclif manifest`: the top-level help text, and the code cache, made by real runs of `list`
//    against a throwaway local server (scripts/train-code-cache.cjs) so that the functions a command
//    runs are in it.
// tsc checks types (`npm run typecheck`); this only emits.
import {build} from 'esbuild'
import {createHash} from 'node:crypto'
import {execFile, execFileSync} from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const dist = path.join(root, 'dist')
const {version} = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const walk = (dir) =>
  fs.readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))

// got imports HTTP/2, response-cache and DNS-cache support at load time; we use none of them (no
// `http2`, `cache` or `dnsCache` option), so the bundle gets stand-ins that fail loudly if ever used.
// The DNS cache alone (node:dns with its resolver, read from /etc/resolv.conf) was ~1 ms of every run.
const UNUSED_GOT_FEATURES = {
  'http2-wrapper':
    "const no = () => { throw new Error('codegenapi does not use HTTP/2') }; export default {auto: no, get globalAgent() { return no() }}",
  'cacheable-request':
    "export default class CacheableRequest { constructor() { throw new Error('codegenapi does not use a response cache') } }; export class CacheError extends Error {}",
  'cacheable-lookup': "export default class CacheableLookup { constructor() { throw new Error('codegenapi does not use a DNS cache') } }",
}
const unusedGotFeatures = {
  name: 'unused-got-features',
  setup(b) {
    b.onResolve({filter: /^(http2-wrapper|cacheable-request|cacheable-lookup)$/}, (args) => ({path: args.path, namespace: 'unused'}))
    b.onLoad({filter: /.*/, namespace: 'unused'}, (args) => ({contents: UNUSED_GOT_FEATURES[args.path], loader: 'js'}))
  },
}

// Node's fs/promises also loads readline, directory and file-watcher internals (~2 ms of every run),
// while a CLI run reads its few small files in place. In the CLI bundle, oclif, cosmiconfig and our
// services get fs.promises when they first use it.
const lazyFsPromises = {
  name: 'lazy-fs-promises',
  setup(b) {
    b.onResolve({filter: /^(node:)?fs\/promises$/}, () => ({path: 'fs/promises', namespace: 'lazy-builtin'}))
    b.onLoad({filter: /.*/, namespace: 'lazy-builtin'}, () => ({
      contents: [
        "const fs = require('node:fs')",
        'const own = (key) => Reflect.getOwnPropertyDescriptor(fs.promises, key)',
        'module.exports = new Proxy({}, {',
        // __importDefault asks for __esModule at require time: that alone must not load the module.
        "  get: (_, key) => (key === '__esModule' ? undefined : fs.promises[key]),",
        '  has: (_, key) => key in fs.promises,',
        '  ownKeys: () => Reflect.ownKeys(fs.promises),',
        '  getOwnPropertyDescriptor: (_, key) => (own(key) ? {...own(key), configurable: true} : undefined),',
        '})',
      ].join('\n'),
      loader: 'js',
    }))
  },
}

// Small source patches of dependencies, each for start-up time or for the code cache; the build fails
// if a patch no longer applies, so an upgrade cannot drop one silently.
const PATCHES = [
  {
    // oclif loads ES module plugins (help, not-found, autocomplete) with import(), which has no loader in
    // a script run from a code cache on Node 20: it goes through the importer bin/run.js provides.
    file: /@oclif[\\/]core[\\/]lib[\\/]module-loader\.js$/,
    from: 'await import(',
    to: "await globalThis[Symbol.for('codegenapi.import')](",
  },
  {
    // oclif checks the Node version against the engines of the package.json it finds beside its own
    // code: in our bundle that is ours, which npm already enforces. Reading it and semver: ~3 ms.
    file: /@oclif[\\/]core[\\/]lib[\\/]index\.js$/,
    from: '\ncheckNodeVersion();',
    to: '\n',
  },
  {
    // oclif sorts the manifest's command ids with localeCompare, whose first call starts ICU's collator
    // (~10 ms of every run); ids are lower-case ASCII, where code-point order is the same.
    file: /@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/,
    from: '.sort((a, b) => a.id.localeCompare(b.id))',
    to: '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))',
  },
  {
    // oclif reads its small JSON files (package.json, the manifest, theme.json) through fs/promises: a
    // thread-pool round trip each, at start-up when nothing else could run meanwhile. Read in place.
    file: /@oclif[\\/]core[\\/]lib[\\/]util[\\/]fs\.js$/,
    from: "const contents = await (0, promises_1.readFile)(path, 'utf8');",
    to: "const contents = (0, node_fs_1.readFileSync)(path, 'utf8');",
  },
  // Built-ins and packages oclif requires at load time only for what our commands never do (performance
  // marks, Windows shells, plugin patterns): loaded on first use instead (~4 ms of every run).
  {
    // oclif asks wsl-utils whether this is WSL; wsl-utils also loads child_process and PowerShell helpers
    // for Windows paths. It takes the answer from is-wsl, which reads only /proc/version.
    file: /@oclif[\\/]core[\\/]lib[\\/]util[\\/]os\.js$/,
    from: "return (await import('wsl-utils')).isWsl ? 'wsl'",
    to: "return (await import('is-wsl')).default ? 'wsl'",
  },
  lazyRequire(/@oclif[\\/]core[\\/]lib[\\/]performance\.js$/, 'node_perf_hooks_1', 'node:perf_hooks'),
  lazyRequire(/@oclif[\\/]core[\\/]lib[\\/]util[\\/]os\.js$/, 'node_child_process_1', 'node:child_process'),
  lazyRequire(/@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/, 'tinyglobby_1', 'tinyglobby'),
  lazyRequire(/@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin-loader\.js$/, 'minimatch_1', 'minimatch'),
  lazyRequire(/@oclif[\\/]core[\\/]lib[\\/]parser[\\/]parse\.js$/, 'node_readline_1', 'node:readline'),
  {
    // lilconfig (oclif's package.json reader) takes fs.promises.readFile at load time: see lazyFsPromises.
    file: /lilconfig[\\/]src[\\/]index\.js$/,
    from: 'const fsReadFileAsync = fs.promises.readFile;',
    to: 'const fsReadFileAsync = (...args) => fs.promises.readFile(...args);',
  },
  {
    // got's type checker builds two Intl.ListFormat at load time (ICU start-up, ~5 ms) for assertion
    // messages we never show: made on first use instead.
    file: /@sindresorhus[\\/]is[\\/]distribution[\\/]index\.js$/,
    from: /const (andFormatter|orFormatter) = new Intl\.ListFormat\(([^;]*)\);/g,
    to: (_, name, args) =>
      `let ${name}Lazy; const ${name} = {format: (values) => (${name}Lazy ??= new Intl.ListFormat(${args})).format(values)};`,
  },
]

/** `const NAME = require("MODULE");` becomes an object that requires MODULE when first used. */
function lazyRequire(file, name, module) {
  return {
    file,
    from: `const ${name} = require("${module}");`,
    to: `const ${name} = new Proxy({}, {get: (_, key) => require("${module}")[key]});`,
  }
}

const dependencyPatches = {
  name: 'dependency-patches',
  setup(b) {
    b.onLoad({filter: /node_modules/}, (args) => {
      const patches = PATCHES.filter((p) => p.file.test(args.path))
      if (!patches.length) return undefined
      let text = fs.readFileSync(args.path, 'utf8')
      for (const patch of patches) {
        const patched = typeof patch.from === 'string' ? text.replaceAll(patch.from, patch.to) : text.replace(patch.from, patch.to)
        if (patched === text) throw new Error(`${args.path} no longer matches ${patch.from}: review PATCHES in scripts/build.mjs`)
        text = patched
      }
      return {contents: text, loader: 'js'}
    })
  },
}

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // cosmiconfig's TypeScript loader is never used (executable config files are refused); oclif's plugins
  // stay packages of their own, loaded only for `help`, `autocomplete` and unknown commands.
  external: ['@oclif/plugin-*', 'typescript'],
  define: {__CODEGENAPI_VERSION__: JSON.stringify(version)},
  legalComments: 'none',
  logLevel: 'warning',
}

/**
 * The command table oclif's explicit discovery reads, one entry per file under src/commands. Each
 * entry is a getter: a command's module (and what it imports) is evaluated only when that command runs.
 */
function commandsEntry() {
  const files = walk(path.join(root, 'src', 'commands'))
    .filter((f) => f.endsWith('.ts'))
    .sort()
  const entry = (f) => {
    const id = path
      .relative(path.join(root, 'src', 'commands'), f)
      .replace(/\.ts$/, '')
      .split(path.sep)
      .join(':')
    return `  get ${JSON.stringify(id)}() { return require('./${path.relative(root, f).split(path.sep).join('/')}').default },`
  }
  return ["export {run} from './src/cli.ts'", 'export const COMMANDS = {', ...files.map(entry), '}'].join('\n')
}

async function bundleCli() {
  const file = path.join(dist, 'cli.cjs')
  const result = await build({
    ...common,
    stdin: {contents: commandsEntry(), resolveDir: root, sourcefile: 'commands-entry.ts', loader: 'ts'},
    format: 'cjs',
    outfile: file,
    // In one CommonJS file import.meta.url is the bundle's own URL: files of the package are found from it.
    define: {...common.define, 'import.meta.url': '__cgBundleUrl'},
    banner: {
      js: [
        "var __cgBundleUrl = require('node:url').pathToFileURL(__filename).href;",
        'var __cgNamespaces = [new WeakMap(), new WeakMap()];',
        // Reads as __toESM's copy would: `default` is the module itself unless it is a converted ES module.
        'var __cgToESM = (mod, isNodeMode) => {',
        "  if (mod == null || (typeof mod !== 'object' && typeof mod !== 'function')) return (0, __toESM)(mod, isNodeMode);",
        '  const withDefault = Boolean(isNodeMode || !mod.__esModule), seen = __cgNamespaces[Number(withDefault)];',
        '  let ns = seen.get(mod);',
        "  if (!ns) seen.set(mod, (ns = new Proxy(mod, {get: (target, key) => (withDefault && key === 'default' ? target : target[key])})));",
        '  return ns;',
        '};',
      ].join('\n'),
    },
    plugins: [unusedGotFeatures, lazyFsPromises, dependencyPatches],
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
  const builtinImports = ours.filter((f) => /\bimport\(\s*['"]node:/.test(fs.readFileSync(path.join(root, f), 'utf8')))
  if (builtinImports.length)
    throw new Error(`import('node:...') fails in the CLI bundle; import it statically: ${builtinImports.join(', ')}`)
  // The first line names the content: a user's code cache is kept per bundle (bin/load-cli.cjs).
  let code = fs.readFileSync(file, 'utf8')
  // esbuild gives every ES module that imports a CommonJS module or a Node built-in its own copy of its
  // exports (__toESM: a getter per property, ~100 for node:process or node:fs; ~5 ms of every run).
  // __cgToESM (banner) answers the same reads through one memoized Proxy per module instead.
  if (!/__toESM\(/.test(code)) throw new Error('no __toESM( call in the bundle: review __cgToESM in scripts/build.mjs')
  code = code.replace(/\b__toESM\(/g, '__cgToESM(')
  // ASCII, so bin/load-cli.cjs can read it as latin1. esbuild escapes non-ASCII text except inside
  // regular expressions (ansi-regex has a raw U+009B), where a \u escape means the same.
  const ascii = code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  fs.writeFileSync(file, `// codegenapi build ${createHash('sha256').update(ascii).digest('hex').slice(0, 16)}\n${ascii}`)
}

async function bundleMcp() {
  await build({
    ...common,
    entryPoints: walk(path.join(root, 'src', 'mcp')).filter((f) => f.endsWith('.ts')),
    format: 'esm',
    splitting: true,
    outdir: 'dist/mcp',
    outbase: 'src/mcp',
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    // CommonJS dependencies inside an ESM bundle still call require() for Node's built-ins.
    banner: {js: "import {createRequire as __cgCreateRequire} from 'node:module'; const require = __cgCreateRequire(import.meta.url);"},
    plugins: [unusedGotFeatures, dependencyPatches],
  })
}

// `codegenapi --help` is the same text on every call: rendered once here, printed by bin/run.js
// without loading oclif. The version line is filled in at run time.
function renderRootHelp() {
  const text = execFileSync(process.execPath, [path.join(root, 'bin', 'run.js'), '--help'], {
    env: {...process.env, COLUMNS: '80', NO_COLOR: '1', CODEGENAPI_NO_HELP_CACHE: '1', CODEGENAPI_NO_CODE_CACHE: '1'},
    encoding: 'utf8',
  })
  const versionLine = `codegenapi/${version} ${process.platform}-${process.arch} node-${process.version}`
  fs.writeFileSync(path.join(dist, 'help.txt'), text.replace(versionLine, '{{VERSION}}'))
}

/** A stand-in API for the training runs: agent runs in the shape the contract gives, with pull requests. */
function startTrainingApi() {
  const runs = [1, 2, 3].map((id) => ({
    id,
    organization_id: 1,
    status: ['COMPLETE', 'ACTIVE', 'FAILED'][id - 1],
    created_at: new Date(Date.now() - id * 3_600_000).toISOString(),
    web_url: `https://codegen.com/agent/trace/${id}`,
    result: id === 1 ? 'Done: the flaky test is fixed.' : null,
    summary: id === 1 ? 'Fixed a flaky test' : null,
    source_type: 'API',
    metadata: {repo: 'acme/api'},
    github_pull_requests:
      id === 1
        ? [
            {
              id: 10,
              title: 'Fix flaky test',
              url: 'https://github.com/acme/api/pull/10',
              created_at: new Date().toISOString(),
              head_branch_name: 'codegen-bot/fix',
            },
          ]
        : [],
  }))
  const server = http.createServer((req, res) => {
    res.writeHead(200, {'content-type': 'application/json'})
    res.end(JSON.stringify({items: runs, total: runs.length, page: 1, size: runs.length, pages: 1}))
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

/** dist's code cache: scripts/train-code-cache.cjs runs commands against a stand-in API and writes it. */
async function makeCodeCache() {
  for (const f of fs.readdirSync(dist)) if (/^cli-.*\.cache$/.test(f)) fs.rmSync(path.join(dist, f))
  const server = await startTrainingApi()
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenapi-build-'))
  const target = path.join(dist, `cli-${process.version}-${process.arch}.cache`)
  try {
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CACHE_HOME: path.join(home, 'cache'),
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_STATE_HOME: path.join(home, 'state'),
      CODEGEN_API_BASE_URL: `http://127.0.0.1:${server.address().port}`,
      CODEGEN_API_TOKEN: 'build-training',
      CODEGEN_ORG_ID: '1',
      CODEGENAPI_NO_PROJECT_CONFIG: '1',
      NO_COLOR: '1',
    }
    await new Promise((resolve, reject) =>
      execFile(process.execPath, [path.join(root, 'scripts', 'train-code-cache.cjs'), target], {env, cwd: home}, (error, stdout, stderr) =>
        error ? reject(new Error(`training run failed: ${stderr}`)) : resolve(stdout),
      ),
    )
    fs.chmodSync(target, 0o644)
  } finally {
    server.close()
    fs.rmSync(home, {recursive: true, force: true})
  }
}

if (process.argv.includes('--after-manifest')) {
  renderRootHelp()
  await makeCodeCache()
} else {
  fs.rmSync(dist, {recursive: true, force: true})
  await Promise.all([bundleCli(), bundleMcp()])
}
