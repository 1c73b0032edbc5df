// Loads the CLI bundle (dist/cli.cjs) with a V8 code cache, as Node 22's module compile cache would:
// compiling oclif, got and our code from source is half of every start-up; deserializing the compiled
// code is a fraction of that. The build's cache serves the Node that built the package. Where V8
// rejects it (another Node version, V8 flags in NODE_OPTIONS), the code is compiled from source once
// and this user's own cache (per bundle, Node and flags) is written at exit and used from then on.
// Every cache is keyed to a hash of the bundle's content, taken here as it is loaded: V8 itself checks
// only the source's length, so without it an edited bundle of the same length would run old code.
// CODEGENAPI_NO_CODE_CACHE=1 turns it off; a plain build (npm run build:plain) has none and is required.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const vm = require('node:vm')
// The CommonJS Module class, without loading node:module (which also starts parts of the ESM loader).
const Module = module.constructor

const ROOT = path.join(__dirname, '..')
const DIST = path.join(ROOT, 'dist')

// The bundle runs from V8's code cache, where Node 20 gives `import()` no loader: it imports ES
// modules (the MCP server, oclif's plugins) through this one, defined in a module Node loaded itself.
globalThis[Symbol.for('codegenapi.import')] = (url) => import(url)

const readPackageJson = () => JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
const BUNDLE = path.join(DIST, 'cli.cjs')
const TAG = `${process.version}-${process.arch}`

/** Where this user's code cache lives: the same rule as src/services/paths.ts cacheDir(). */
function userCacheDir(env = process.env) {
  if (env.CODEGENAPI_CACHE_DIR) return path.join(env.CODEGENAPI_CACHE_DIR, 'code-cache')
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'codegenapi', 'code-cache')
  if (process.platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'codegenapi', 'cache', 'code-cache')
  return path.join(require('node:os').homedir(), '.cache', 'codegenapi', 'code-cache')
}

/**
 * What every cache of this bundle is keyed to: its content, as loaded now. CRC-32 (zlib's, ~0.3 ms for
 * the bundle; zlib is loaded by the CLI anyway) and the length: it tells an edited bundle from the built
 * one, which is all a cache key must do (who can edit dist/ can replace the cache too). Nodes before
 * 20.15 have no zlib.crc32: SHA-256 there (~8% of a run's instructions).
 */
function contentHash(bytes) {
  const {crc32} = require('node:zlib')
  if (typeof crc32 !== 'function') return require('node:crypto').createHash('sha256').update(bytes).digest('hex').slice(0, 16)
  return `${crc32(bytes).toString(16).padStart(8, '0')}${bytes.length.toString(16).padStart(8, '0')}`
}

/** The build's code cache for a bundle with this content hash, on this Node. */
const codeCacheFile = (hash) => `cli-${hash}-${TAG}.cache`

function readOrUndefined(file) {
  try {
    return fs.readFileSync(file)
  } catch {
    return undefined
  }
}

/**
 * Compiled code from a file runs as ours: a user cache is read (or written) only where no one else can
 * have put it, in a directory and file owned by this user and writable by no one else.
 */
function privateToUser(stats) {
  if (typeof process.getuid !== 'function') return true
  return stats.uid === process.getuid() && (stats.mode & 0o022) === 0
}

function readPrivate(file) {
  try {
    if (!privateToUser(fs.statSync(path.dirname(file)))) return undefined
    const fd = fs.openSync(file, 'r')
    try {
      return privateToUser(fs.fstatSync(fd)) ? fs.readFileSync(fd) : undefined
    } finally {
      fs.closeSync(fd)
    }
  } catch {
    return undefined
  }
}

/**
 * V8 accepts a cache only under the flags it was made with (NODE_OPTIONS, node's own options): the
 * user's caches are kept per flag set, so runs with and without, say, --max-old-space-size do not
 * keep replacing each other's cache.
 */
function flagsTag(env) {
  const flags = [...process.execArgv, env.NODE_OPTIONS ?? ''].join(' ').trim()
  if (!flags) return ''
  // FNV-1a: a file name, not a secret (node:crypto would cost a few ms to load here).
  let hash = 0x811c9dc5
  for (let i = 0; i < flags.length; i++) hash = Math.imul(hash ^ flags.charCodeAt(i), 0x01000193)
  return `-${(hash >>> 0).toString(16).padStart(8, '0')}`
}

/** Writes atomically (temp file, then rename) so a concurrent run never reads half a cache. */
function writeCache(file, data, keepPrefix) {
  try {
    const dir = path.dirname(file)
    fs.mkdirSync(dir, {recursive: true, mode: 0o700})
    if (!privateToUser(fs.statSync(dir))) return
    const tmp = `${file}.${process.pid}.tmp`
    fs.writeFileSync(tmp, data, {mode: 0o600})
    fs.renameSync(tmp, file)
    // Caches of older bundles or other Node versions are dead weight.
    for (const name of fs.readdirSync(dir)) {
      if (name.endsWith('.bin') && !name.startsWith(keepPrefix)) fs.rmSync(path.join(dir, name), {force: true})
    }
  } catch {
    // A cache is an optimisation: a read-only or full disk must not fail the command.
  }
}

/**
 * Compiles and runs the bundle as the CommonJS module it is, registered in require.cache so that
 * oclif's own require() of dist/cli.cjs (for its command table) finds this very instance.
 * `used` tells where the compiled code came from: 'dist' (the build's), 'user', or 'source'.
 */
function loadBundle(env = process.env) {
  // ASCII (the build checks): latin1 makes the same string as utf8 without decoding 1 MB of UTF-8.
  const bytes = fs.readFileSync(BUNDLE)
  const source = bytes.toString('latin1')
  if (source.startsWith('// codegenapi build plain\n')) return {exports: require(BUNDLE), used: 'plain'}
  const enabled = !env.CODEGENAPI_NO_CODE_CACHE
  const flags = flagsTag(env)
  const hash = enabled ? contentHash(bytes) : ''
  const prefix = `${hash}-${TAG}`
  const userFile = path.join(userCacheDir(env), `${prefix}${flags}.bin`)
  let cachedData
  let from = 'source'
  if (enabled) {
    cachedData = readPrivate(userFile)
    if (cachedData) from = 'user'
    else if ((cachedData = readOrUndefined(path.join(DIST, codeCacheFile(hash))))) from = 'dist'
  }
  const script = new vm.Script(Module.wrap(source), {filename: BUNDLE, cachedData})
  const used = cachedData && script.cachedDataRejected ? 'source' : from

  const mod = new Module(BUNDLE, module)
  mod.filename = BUNDLE
  require.cache[BUNDLE] = mod
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(BUNDLE), mod, BUNDLE, DIST)
  mod.loaded = true

  // Written at exit, once the run has compiled the functions it needed: the next run gets them too.
  if (enabled && used === 'source') process.once('exit', () => writeCache(userFile, script.createCachedData(), prefix))
  return {exports: mod.exports, used, userFile, script}
}

/** Resolves once everything written to the stream has been handed to the OS. */
const drained = (stream) => new Promise((resolve) => (stream.writableNeedDrain ? stream.once('drain', resolve) : resolve()))

/** Runs one command line through the loaded bundle. */
function runOnce(exports, argv) {
  return exports.run(argv, ROOT, readPackageJson(), exports.COMMANDS)
}

async function runCli(argv) {
  await runOnce(loadBundle().exports, argv)
  // The command is done and its output written: leave now rather than when the event loop runs dry,
  // which also tears the whole V8 heap down (~6 ms). Timers left behind are unref'd anyway, state
  // stores are closed by the commands that open them, and 'exit' handlers still run.
  await Promise.all([drained(process.stdout), drained(process.stderr)])
  process.exit()
}

module.exports = {runCli, runOnce, loadBundle, userCacheDir, contentHash, codeCacheFile}
