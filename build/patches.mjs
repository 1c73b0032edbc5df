// Patches of dependencies for start-up time, applied by esbuild while it bundles (build/bundle.mjs):
// the installed packages are never modified. Each has a name; build/README.md says what each gains
// (measured in BENCHMARKS.md) and how to review them when oclif or got are upgraded.
// `npm run build:plain` applies none of them.
import fs from 'node:fs'

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
export const unusedGotFeatures = {
  name: 'unused-got-features',
  setup(b) {
    b.onResolve({filter: /^(http2-wrapper|cacheable-request|cacheable-lookup)$/}, (args) => ({path: args.path, namespace: 'unused'}))
    b.onLoad({filter: /.*/, namespace: 'unused'}, (args) => ({contents: UNUSED_GOT_FEATURES[args.path], loader: 'js'}))
  },
}

// oclif's modules require one another at load time, so that running any command loaded its help
// renderer (ejs, wrap-ansi, string-width), the debug logger, the spinner and plugin patterns (minimatch).
// Every top-level `const x = require(...)` of theirs (also under __importDefault or __importStar)
// becomes a stand-in that requires the module on first use, read, call or `new`: a `list --json`
// loads only what it runs. The build fails if fewer than LAZY_OCLIF_MIN are found (another module format).
const OCLIF_TOP_LEVEL_REQUIRE = /^const (\w+) = (__importDefault|__importStar)?\(?require\((["'])([^"']+)\3\)\)?;$/gm
const LAZY_OCLIF_MIN = 200
// A bound function as the target: callable and constructible, with no own property a Proxy must mirror.
const LAZY_MODULE_HELPER = `function __cgLazyModule(load) {
  let mod;
  const real = () => (mod ??= load());
  return new Proxy(function () {}.bind(null), {
    get: (_, key) => real()[key],
    has: (_, key) => key in real(),
    apply: (_, self, args) => Reflect.apply(real(), self, args),
    construct: (_, args) => Reflect.construct(real(), args),
  });
}
`
const lazyOclifModules = {
  name: 'lazy-oclif-modules',
  file: /@oclif[\\/]core[\\/]lib[\\/].*\.js$/,
  transform(text, counter) {
    let found = 0
    const out = text.replace(OCLIF_TOP_LEVEL_REQUIRE, (_, name, wrap, _quote, module) => {
      found++
      const load = wrap ? `${wrap}(require("${module}"))` : `require("${module}")`
      return `const ${name} = __cgLazyModule(() => ${load});`
    })
    counter.count += found
    return found ? `${out}\n${LAZY_MODULE_HELPER}` : out
  },
}

// Small source patches of dependencies, each for start-up time or for the code cache; the build fails
// if a patch no longer applies, so an upgrade cannot drop one silently. Each one here saves more than
// the noise of bench/patch-gains.sh (about 1% of a `list --json` run's instructions). Four that did
// not were dropped in the round of issue 12 (BENCHMARKS.md): lazy perf_hooks and minimatch, lilconfig's
// lazy readFile and, in the bundle, a lazy fs/promises (each saved nothing alone while other modules
// still loaded the same; lazy-oclif-modules now defers them all at once).
export const PATCHES = [
  lazyOclifModules,
  {
    name: 'import-through-loader',
    // oclif loads ES module plugins (help, not-found, autocomplete) with import(), which has no loader in
    // a script run from a code cache on Node 20: it goes through the importer bin/run.js provides.
    file: /@oclif[\\/]core[\\/]lib[\\/]module-loader\.js$/,
    from: 'await import(',
    to: "await globalThis[Symbol.for('codegenapi.import')](",
  },
  {
    name: 'no-node-version-check',
    // oclif checks the Node version against the engines of the package.json it finds beside its own
    // code: in our bundle that is ours, which npm already enforces.
    file: /@oclif[\\/]core[\\/]lib[\\/]index\.js$/,
    from: '\ncheckNodeVersion();',
    to: '\n',
  },
  {
    name: 'ascii-sort',
    // oclif sorts the manifest's command ids with localeCompare, whose first call starts ICU's collator
    // (~10 ms of every run); ids are lower-case ASCII, where code-point order is the same.
    file: /@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/,
    from: '.sort((a, b) => a.id.localeCompare(b.id))',
    to: '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))',
  },
  {
    name: 'json-read-in-place',
    // oclif reads its small JSON files (package.json, the manifest, theme.json) through fs/promises: a
    // thread-pool round trip each, at start-up when nothing else could run meanwhile. Read in place.
    file: /@oclif[\\/]core[\\/]lib[\\/]util[\\/]fs\.js$/,
    from: "const contents = await (0, promises_1.readFile)(path, 'utf8');",
    to: "const contents = (0, node_fs_1.readFileSync)(path, 'utf8');",
  },
  {
    name: 'is-wsl',
    // oclif asks wsl-utils whether this is WSL; wsl-utils also loads child_process and PowerShell helpers
    // for Windows paths. It takes the answer from is-wsl, which reads only /proc/version.
    file: /@oclif[\\/]core[\\/]lib[\\/]util[\\/]os\.js$/,
    from: "return (await import('wsl-utils')).isWsl ? 'wsl'",
    to: "return (await import('is-wsl')).default ? 'wsl'",
  },
  {
    name: 'help-utils-only',
    // oclif's main takes two small helpers from its help module (help/util): the help renderer itself
    // (and ejs, wrap-ansi, string-width) is loaded only to show help.
    file: /@oclif[\\/]core[\\/]lib[\\/]main\.js$/,
    from: /\(0, help_1\.(normalizeArgv|getHelpFlagAdditions)\)/g,
    to: (_, name) => `(0, require("./help/util").${name})`,
  },
  {
    name: 'debug-when-asked',
    // oclif's logger makes a `debug` logger per namespace on its first message, loading the debug
    // package (with tty and supports-color); its messages show only with DEBUG set.
    file: /@oclif[\\/]core[\\/]lib[\\/]logger\.js$/,
    from: 'const debug = (0, debug_1.default)(namespace);',
    to: 'const debug = process.env.DEBUG ? (0, debug_1.default)(namespace) : () => {};',
  },
  {
    name: 'lazy-list-format',
    // got's type checker builds two Intl.ListFormat at load time (ICU start-up, ~5 ms) for assertion
    // messages we never show: made on first use instead.
    file: /@sindresorhus[\\/]is[\\/]distribution[\\/]index\.js$/,
    from: /const (andFormatter|orFormatter) = new Intl\.ListFormat\(([^;]*)\);/g,
    to: (_, name, args) =>
      `let ${name}Lazy; const ${name} = {format: (values) => (${name}Lazy ??= new Intl.ListFormat(${args})).format(values)};`,
  },
]

/**
 * The esbuild plugin that applies PATCHES (except those named in `skip`). The build fails if a patch
 * no longer applies, so an upgrade of oclif or got cannot drop one silently.
 */
export function dependencyPatches(skip = new Set()) {
  const active = PATCHES.filter((p) => !skip.has(p.name))
  const lazyCount = {count: 0, files: 0}
  return {
    name: 'dependency-patches',
    setup(b) {
      b.onLoad({filter: /node_modules/}, (args) => {
        const patches = active.filter((p) => p.file.test(args.path))
        if (!patches.length) return undefined
        let text = fs.readFileSync(args.path, 'utf8')
        for (const patch of patches) {
          if (patch.transform) {
            lazyCount.files++
            text = patch.transform(text, lazyCount)
            continue
          }
          const patched = typeof patch.from === 'string' ? text.replaceAll(patch.from, patch.to) : text.replace(patch.from, patch.to)
          if (patched === text) throw new Error(`${args.path} no longer matches patch ${patch.name}: review PATCHES in build/patches.mjs`)
          text = patched
        }
        return {contents: text, loader: 'js'}
      })
      b.onEnd(() => {
        if (lazyCount.files > 0 && lazyCount.count < LAZY_OCLIF_MIN)
          throw new Error(
            `lazy-oclif-modules found ${lazyCount.count} top-level requires in oclif (at least ${LAZY_OCLIF_MIN} expected): review build/patches.mjs`,
          )
      })
    },
  }
}
