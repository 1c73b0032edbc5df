// Loads the CLI bundle (dist/cli.cjs) with a V8 code cache, as Node 22's module compile cache would:
// compiling oclif, got and our code from source is half of every start-up; deserializing the compiled
// code is a fraction of that. The build's cache serves the Node that built the package. Everywhere else
// (another Node version, V8 flags in NODE_OPTIONS or on node's command line) the first run compiles
// from source and writes this user's own cache, keyed to the bundle's content, the Node version and
// the flags. A cache lists the commands whose code it holds; a command it lacks refreshes it once
// (after the command: V8 then serializes what it compiled lazily too), so that a cache first made by
// a rare command does not slow the common ones. Every cache is keyed to a hash of the bundle's
// content, taken here as it is loaded: V8 itself checks only the source's length, so without it an
// edited bundle of the same length would run old code. A cache that cannot be written (read-only or
// full disk, no home) is silently done without. CODEGENAPI_NO_CODE_CACHE=1 turns caches off; a plain
// build (npm run build:plain) has none and is required.
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
function flagsTag(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS) {
  const flags = [...execArgv, nodeOptions ?? ''].join(' ').trim()
  if (!flags) return ''
  // FNV-1a: a file name, not a secret (node:crypto would cost a few ms to load here).
  let hash = 0x811c9dc5
  for (let i = 0; i < flags.length; i++) hash = Math.imul(hash ^ flags.charCodeAt(i), 0x01000193)
  return `-${(hash >>> 0).toString(16).padStart(8, '0')}`
}

/** The name of this user's cache for a bundle of this content hash, on this Node, under these flags. */
function userCacheName(hash, {version = process.version, arch = process.arch, execArgv = process.execArgv, nodeOptions} = {}) {
  return `${hash}-${version}-${arch}${flagsTag(execArgv, nodeOptions)}.bin`
}

// A cache file: this line, the JSON list of the runs whose code it holds, a newline, V8's data.
const MAGIC = 'codegenapi code cache 1 '

function encodeCache(runs, data) {
  return Buffer.concat([Buffer.from(`${MAGIC}${JSON.stringify(runs)}\n`, 'latin1'), data])
}

/** {runs, data} of a cache file, or undefined for anything else (another format, a torn or planted file). */
function decodeCache(bytes) {
  if (!bytes || bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined
  const end = bytes.indexOf(10, MAGIC.length)
  if (end < 0) return undefined
  try {
    const runs = JSON.parse(bytes.toString('latin1', MAGIC.length, end))
    return Array.isArray(runs) ? {runs, data: bytes.subarray(end + 1)} : undefined
  } catch {
    return undefined
  }
}

/**
 * What a command line runs, as far as compiled code goes: the command (`config:path`) and the output
 * form (JSON, text or help), which run different code. The build's cache holds `list json` and `list text`.
 */
function runKey(argv, commands) {
  const words = []
  let id = '-'
  for (const arg of argv) {
    if (arg.startsWith('-')) break
    words.push(arg)
    if (Object.hasOwn(commands, words.join(':'))) id = words.join(':')
  }
  const has = (...flags) => argv.some((a) => flags.some((f) => a === f || a.startsWith(`${f}=`)))
  return `${id} ${has('--help', '-h') ? 'help' : has('--json', '--jq') ? 'json' : 'text'}`
}

// A user's caches kept at most (each about 1 MB): the newest, across bundles, Node versions and flags.
const KEEP_CACHES = 6

/**
 * Writes atomically (a private temp file, then rename) so that a concurrent run never reads half a
 * cache. The temp file is created before `data()` is called: where nothing can be written, V8's
 * serialization is not paid for. Returns whether the cache was written.
 */
function writeCache(file, data) {
  const dir = path.dirname(file)
  const tmp = `${file}.${process.pid}.tmp`
  let fd
  try {
    fs.mkdirSync(dir, {recursive: true, mode: 0o700})
    if (!privateToUser(fs.statSync(dir))) return false
    fs.rmSync(tmp, {force: true})
    fd = fs.openSync(tmp, 'wx', 0o600)
    fs.writeFileSync(fd, data())
    fs.closeSync(fd)
    fd = undefined
    fs.renameSync(tmp, file)
    pruneCaches(dir, file)
    return true
  } catch {
    // A cache is an optimisation: a read-only or full disk must not fail the command, nor print anything.
    try {
      if (fd !== undefined) fs.closeSync(fd)
      fs.rmSync(tmp, {force: true})
    } catch {
      // Nothing was created.
    }
    return false
  }
}

/** Caches of old bundles, other Node versions or flags are kept up to KEEP_CACHES, newest first. */
function pruneCaches(dir, keep) {
  const caches = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.bin'))
    .map((name) => ({file: path.join(dir, name), mtime: fs.statSync(path.join(dir, name)).mtimeMs}))
    .sort((a, b) => b.mtime - a.mtime)
  for (const {file} of caches.slice(KEEP_CACHES)) if (file !== keep) fs.rmSync(file, {force: true})
}

/**
 * Compiles and runs the bundle as the CommonJS module it is, registered in require.cache so that
 * oclif's own require() of dist/cli.cjs (for its command table) finds this very instance.
 * `used` tells where the compiled code came from: 'dist' (the build's), 'user', 'source' or 'plain';
 * `runs` are the runs whose code the cache that served it holds.
 */
function loadBundle(env = process.env) {
  // ASCII (the build checks): latin1 makes the same string as utf8 without decoding 1 MB of UTF-8.
  const bytes = fs.readFileSync(BUNDLE)
  const source = bytes.toString('latin1')
  if (source.startsWith('// codegenapi build plain\n')) return {exports: require(BUNDLE), used: 'plain', runs: []}
  const enabled = !env.CODEGENAPI_NO_CODE_CACHE
  const hash = enabled ? contentHash(bytes) : ''
  const userFile = path.join(userCacheDir(env), userCacheName(hash, {nodeOptions: env.NODE_OPTIONS}))
  let cache
  let from = 'source'
  if (enabled) {
    if ((cache = decodeCache(readPrivate(userFile)))) from = 'user'
    else if ((cache = decodeCache(readOrUndefined(path.join(DIST, codeCacheFile(hash)))))) from = 'dist'
  }
  const script = new vm.Script(Module.wrap(source), {filename: BUNDLE, cachedData: cache?.data})
  const used = cache && !script.cachedDataRejected ? from : 'source'

  const mod = new Module(BUNDLE, module)
  mod.filename = BUNDLE
  require.cache[BUNDLE] = mod
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(BUNDLE), mod, BUNDLE, DIST)
  mod.loaded = true
  return {exports: mod.exports, used, runs: used === 'source' ? [] : cache.runs, enabled, userFile, script}
}

/**
 * After a run its cache lacked (compiled from source, or a command the cache was not made by), this
 * user's cache is written again from what V8 holds now: the functions the cache brought and those the
 * run compiled. Each command refreshes a cache once; later runs of it only read. Returns the refresh,
 * which runCli calls once the command has finished and its output is written. A run compiled from
 * source (no usable cache at all) also writes at exit however it ends (`mcp serve` leaves by
 * process.exit); a mere refresh does not, so a server's exit stays prompt.
 */
function cacheRefresh(loaded, argv) {
  if (!loaded.enabled || loaded.used === 'plain') return () => {}
  const run = runKey(argv, loaded.exports.COMMANDS ?? {})
  if (loaded.runs.includes(run)) return () => {}
  const runs = [...loaded.runs, run]
  let done = false
  const refresh = () => {
    if (done) return
    done = true
    writeCache(loaded.userFile, () => encodeCache(runs, loaded.script.createCachedData()))
  }
  if (loaded.used === 'source') process.once('exit', refresh)
  return refresh
}

/** Resolves once everything written to the stream has been handed to the OS. */
const drained = (stream) => new Promise((resolve) => (stream.writableNeedDrain ? stream.once('drain', resolve) : resolve()))

/** Runs one command line through the loaded bundle. */
function runOnce(exports, argv) {
  return exports.run(argv, ROOT, readPackageJson(), exports.COMMANDS)
}

async function runCli(argv) {
  const loaded = loadBundle()
  const refreshCache = cacheRefresh(loaded, argv)
  await runOnce(loaded.exports, argv)
  // The command is done and its output written: leave now rather than when the event loop runs dry,
  // which also tears the whole V8 heap down (~6 ms). Timers left behind are unref'd anyway, state
  // stores are closed by the commands that open them, and 'exit' handlers still run.
  await Promise.all([drained(process.stdout), drained(process.stderr)])
  refreshCache()
  process.exit()
}

module.exports = {
  runCli,
  runOnce,
  loadBundle,
  userCacheDir,
  userCacheName,
  contentHash,
  codeCacheFile,
  encodeCache,
  decodeCache,
  runKey,
  writeCache,
}
