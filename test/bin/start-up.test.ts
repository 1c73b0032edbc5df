// bin/run.js and bin/load-cli.cjs: the CLI bundle runs from a V8 code cache, and every way of loading
// it gives the same answers. Which cache served a run shows in what it leaves behind: a run served by
// the build's cache writes nothing; a run compiled from source writes this user's own cache.
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {createRequire} from 'node:module'
import {cacheDir} from '../../src/services/paths.js'
import {parseJson, ROOT, runBin} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

const loader = createRequire(import.meta.url)('../../bin/load-cli.cjs') as {
  contentHash: (bytes: Buffer) => string
  codeCacheFile: (hash: string) => string
  userCacheDir: (env: NodeJS.ProcessEnv) => string
  userCacheName: (hash: string, opts?: {version?: string; arch?: string; execArgv?: string[]; nodeOptions?: string}) => string
  decodeCache: (bytes: Buffer) => {runs: string[]; data: Buffer} | undefined
  runKey: (argv: string[], commands: Record<string, unknown>) => string
  writeCache: (file: string, data: () => Buffer) => boolean
}
/** A plain build (npm run build:plain) has no code cache: those tests are for the default build. */
const plainBuild = () => fs.readFileSync(path.join(ROOT, 'dist', 'cli.cjs'), 'latin1').startsWith('// codegenapi build plain\n')
/** The build's code cache serves only the Node that built it; on another (.ci/run tests 22, 24, 26), runs write their own. */
const buildCacheServesThisNode = () =>
  fs.existsSync(path.join(ROOT, 'dist', loader.codeCacheFile(loader.contentHash(fs.readFileSync(path.join(ROOT, 'dist', 'cli.cjs'))))))

const userCaches = (home: string) => {
  const dir = path.join(home, '.cache', 'codegenapi', 'code-cache')
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(dir, f)) : []
}
/** The runs a cache file says it holds the code of. */
const runsOf = (file: string) => loader.decodeCache(fs.readFileSync(file))?.runs
const mtimeOf = (file: string) => fs.statSync(file).mtimeMs

describe('start-up from the code cache', function () {
  const api = useFakeApi()
  before(function () {
    if (plainBuild()) this.skip()
  })

  it('the build made a code cache for this Node, and a run served by it writes none of its own', async function () {
    if (!buildCacheServesThisNode()) this.skip() // another Node than the build's
    const hash = loader.contentHash(fs.readFileSync(path.join(ROOT, 'dist', 'cli.cjs')))
    expect(fs.existsSync(path.join(ROOT, 'dist', loader.codeCacheFile(hash))), 'run npm run build').to.equal(true)
    const res = await runBin(['list', '--json', '--limit', '3'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson<unknown[]>(res)).to.have.length(3)
    expect(userCaches(api.box().home)).to.deep.equal([])
  })

  it('where V8 rejects the build cache (other flags), the first run writes a private cache and later runs use it', async () => {
    const opts = {env: api.env(), nodeArgs: ['--no-opt']}
    const first = await runBin(['list', '--json', '--limit', '3'], opts)
    expect(first.code, first.stderr).to.equal(0)
    const [file, ...more] = userCaches(api.box().home)
    expect(more).to.deep.equal([])
    expect(path.basename(file)).to.match(new RegExp(`^[0-9a-f]{16}-${process.version}-${process.arch}-[0-9a-f]{8}\\.bin$`))
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600)
    expect(fs.statSync(path.dirname(file)).mode & 0o777).to.equal(0o700)

    const written = fs.statSync(file).mtimeMs
    const second = await runBin(['list', '--json', '--limit', '3'], opts)
    expect(second.stdout).to.equal(first.stdout)
    expect(fs.statSync(file).mtimeMs, 'an accepted cache is not written again').to.equal(written)

    // Runs without the flag still take the build's cache: the private one is kept beside it.
    const plain = await runBin(['list', '--json', '--limit', '3'], {env: api.env()})
    expect(plain.stdout).to.equal(first.stdout)
    if (buildCacheServesThisNode()) expect(userCaches(api.box().home)).to.deep.equal([file])
    else expect(userCaches(api.box().home)).to.include(file).and.to.have.length(2) // its own cache, without the flag
  })

  it('a corrupt private cache is rejected, the run still answers, and the cache is replaced', async () => {
    const opts = {env: api.env(), nodeArgs: ['--no-opt']}
    expect((await runBin(['orgs', '--json'], opts)).code).to.equal(0)
    const [file] = userCaches(api.box().home)
    fs.writeFileSync(file, 'not a code cache')
    const res = await runBin(['orgs', '--json'], opts)
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson<unknown[]>(res)).to.have.length(2)
    expect(fs.readFileSync(file).length).to.be.greaterThan(1000)
  })

  it('a private cache in a directory others can write to is neither used nor replaced', async function () {
    if (process.platform === 'win32') this.skip()
    const opts = {env: api.env(), nodeArgs: ['--no-opt']}
    expect((await runBin(['orgs', '--json'], opts)).code).to.equal(0)
    const [file] = userCaches(api.box().home)
    fs.writeFileSync(file, 'planted by someone else')
    fs.chmodSync(path.dirname(file), 0o777)
    const res = await runBin(['orgs', '--json'], opts)
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson<unknown[]>(res)).to.have.length(2)
    expect(fs.readFileSync(file, 'utf8'), 'not read as code, not overwritten').to.equal('planted by someone else')
  })

  it("a user's cache is keyed to the bundle's content, the Node version and the V8 flags", () => {
    const name = loader.userCacheName('0123456789abcdef', {execArgv: [], nodeOptions: ''})
    expect(name).to.equal(`0123456789abcdef-${process.version}-${process.arch}.bin`)
    const names = [
      name,
      loader.userCacheName('0123456789abcdef', {version: 'v22.12.0', execArgv: [], nodeOptions: ''}),
      loader.userCacheName('0123456789abcdef', {arch: 'arm64', execArgv: [], nodeOptions: ''}),
      loader.userCacheName('0123456789abcdef', {execArgv: ['--no-opt'], nodeOptions: ''}),
      loader.userCacheName('0123456789abcdef', {execArgv: [], nodeOptions: '--max-old-space-size=200'}),
      loader.userCacheName('fedcba9876543210', {execArgv: [], nodeOptions: ''}),
    ]
    expect(new Set(names).size, names.join('\n')).to.equal(names.length)
  })

  it('a cache made under other flags is neither used nor replaced: each key keeps its own', async () => {
    const list = ['list', '--json', '--limit', '3']
    const first = await runBin(list, {env: api.env(), nodeArgs: ['--no-opt']})
    expect(first.code, first.stderr).to.equal(0)
    const [noOpt] = userCaches(api.box().home).filter((f) => /-[0-9a-f]{8}\.bin$/.test(f))
    const written = mtimeOf(noOpt)
    const other = await runBin(list, {env: api.env({NODE_OPTIONS: '--max-old-space-size=300'}), nodeArgs: ['--no-opt']})
    expect(other.stdout, other.stderr).to.equal(first.stdout)
    const [otherFile, ...more] = userCaches(api.box().home).filter((f) => f !== noOpt && /-[0-9a-f]{8}\.bin$/.test(f))
    expect(more).to.deep.equal([])
    expect(runsOf(otherFile), 'compiled from source and written under its own key').to.deep.equal(['list json'])
    expect(mtimeOf(noOpt), "the other key's cache untouched").to.equal(written)
    // Back under the first flags: its cache serves the run (one compiled from source would be written again).
    const again = await runBin(list, {env: api.env(), nodeArgs: ['--no-opt']})
    expect(again.stdout).to.equal(first.stdout)
    expect(mtimeOf(noOpt)).to.equal(written)
  })

  it('a cache first made by a rare command is refreshed once by a command it lacks, then only read', async () => {
    const opts = {env: api.env(), nodeArgs: ['--no-opt']}
    expect((await runBin(['config', 'path'], opts)).code).to.equal(0)
    const [file] = userCaches(api.box().home)
    expect(runsOf(file)).to.deep.equal(['config:path text'])
    const small = fs.statSync(file).size

    const list = await runBin(['list', '--json', '--limit', '3'], opts)
    expect(list.code, list.stderr).to.equal(0)
    expect(runsOf(file), "rewritten with list's code").to.deep.equal(['config:path text', 'list json'])
    expect(fs.statSync(file).size).to.be.greaterThan(small)
    const refreshed = mtimeOf(file)

    for (const args of [
      ['list', '--json', '--limit', '3'],
      ['config', 'path'],
    ]) {
      expect((await runBin(args, opts)).code).to.equal(0)
      expect(mtimeOf(file), `codegenapi ${args.join(' ')}: already in the cache, nothing written`).to.equal(refreshed)
    }
  })

  it("on the build's Node, a command the build's cache lacks makes a user cache that keeps list's code too", async function () {
    if (!buildCacheServesThisNode()) this.skip()
    expect((await runBin(['config', 'path'], {env: api.env()})).code).to.equal(0)
    const [file, ...more] = userCaches(api.box().home)
    expect(more).to.deep.equal([])
    expect(runsOf(file)).to.deep.equal(['list json', 'list text', 'config:path text'])
    const built = loader.decodeCache(
      fs.readFileSync(
        path.join(ROOT, 'dist', loader.codeCacheFile(loader.contentHash(fs.readFileSync(path.join(ROOT, 'dist', 'cli.cjs'))))),
      ),
    )
    expect(loader.decodeCache(fs.readFileSync(file))!.data.length).to.be.at.least(built!.data.length)
    // list then runs from it, as it says it holds list's code: nothing is written.
    const written = mtimeOf(file)
    expect((await runBin(['list', '--json', '--limit', '3'], {env: api.env()})).code).to.equal(0)
    expect(mtimeOf(file)).to.equal(written)
  })

  it('a command that leaves by itself (mcp serve) does not refresh a cache that served it: its exit stays prompt', async function () {
    if (!buildCacheServesThisNode()) this.skip() // compiled from source, it writes at exit
    // stdin ends at once: the server stops and leaves through process.exit.
    const res = await runBin(['mcp', 'serve'], {env: api.env(), input: ''})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stderr).to.contain('MCP server')
    expect(userCaches(api.box().home)).to.deep.equal([])
  })

  it('the run key: the command and its output form', () => {
    const commands = {list: 1, 'config:path': 1, config: undefined}
    expect(loader.runKey(['list', '--json', '--limit', '3'], commands)).to.equal('list json')
    expect(loader.runKey(['list', '--jq=.[0]'], commands)).to.equal('list json')
    expect(loader.runKey(['list'], commands)).to.equal('list text')
    expect(loader.runKey(['list', '-h'], commands)).to.equal('list help')
    expect(loader.runKey(['config', 'path'], commands)).to.equal('config:path text')
    expect(loader.runKey(['lst'], commands)).to.equal('- text')
  })

  it('writes a cache atomically: a new file renamed over the old, private to the user', () => {
    const dir = path.join(api.box().home, 'caches', 'code-cache')
    const file = path.join(dir, 'x.bin')
    expect(loader.writeCache(file, () => Buffer.from('first cache'))).to.equal(true)
    expect(fs.statSync(dir).mode & 0o777).to.equal(0o700)
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600)
    const reader = fs.openSync(file, 'r')
    try {
      const inode = fs.statSync(file).ino
      expect(loader.writeCache(file, () => Buffer.from('second, longer cache'))).to.equal(true)
      expect(fs.statSync(file).ino, 'a new file, not the old one rewritten in place').to.not.equal(inode)
      expect(fs.readFileSync(file, 'utf8')).to.equal('second, longer cache')
      expect(fs.readFileSync(reader, 'utf8'), 'a reader of the old cache still reads it whole').to.equal('first cache')
    } finally {
      fs.closeSync(reader)
    }
    expect(fs.readdirSync(dir)).to.deep.equal(['x.bin'])
  })

  it("where no cache can be written (HOME's .cache is a file), nothing is serialized, printed or failed", async () => {
    const home = api.box().home
    fs.writeFileSync(path.join(home, '.cache'), 'not a directory')
    let serialized = false
    const data = () => ((serialized = true), Buffer.from('x'))
    expect(loader.writeCache(path.join(home, '.cache', 'codegenapi', 'code-cache', 'x.bin'), data)).to.equal(false)
    expect(serialized, 'V8 serialization not paid for').to.equal(false)
    // Compiled from source (--no-opt: the build's cache is rejected), nowhere to keep the result.
    for (const env of [api.env(), api.env({XDG_CACHE_HOME: path.join(home, '.cache', 'xdg')})]) {
      const res = await runBin(['list', '--json', '--limit', '2'], {env, nodeArgs: ['--no-opt']})
      expect(res.code, res.stderr).to.equal(0)
      expect(res.stderr).to.equal('')
      expect(parseJson<unknown[]>(res)).to.have.length(2)
    }
  })

  it('keeps its cache where the services keep theirs (bin/ cannot import src/, so the rule is written twice)', () => {
    const {userCacheDir} = loader
    for (const env of [{HOME: '/h'}, {HOME: '/h', XDG_CACHE_HOME: '/x'}, {HOME: '/h', XDG_CACHE_HOME: '/x', CODEGENAPI_CACHE_DIR: '/c'}]) {
      expect(userCacheDir(env)).to.equal(path.join(cacheDir(env), 'code-cache'))
    }
  })

  it('CODEGENAPI_NO_CODE_CACHE=1 compiles from source and writes nothing', async () => {
    const res = await runBin(['list', '--json', '--limit', '2'], {env: api.env({CODEGENAPI_NO_CODE_CACHE: '1'}), nodeArgs: ['--no-opt']})
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson<unknown[]>(res)).to.have.length(2)
    expect(userCaches(api.box().home)).to.deep.equal([])
  })

  it('an edited bundle never runs old code: the caches are keyed to its content (F-84)', async () => {
    // A copy of the installed package, edited in place as a hotfix or a packager's sed would: same length.
    const pkg = path.join(api.box().home, 'pkg')
    for (const item of ['bin', 'dist']) fs.cpSync(path.join(ROOT, item), path.join(pkg, item), {recursive: true})
    for (const file of ['package.json', 'oclif.manifest.json']) fs.copyFileSync(path.join(ROOT, file), path.join(pkg, file))
    const bin = path.join(pkg, 'bin', 'run.js')
    api
      .fake()
      .inject({method: 'GET', path: /\/agent\/runs$/, status: 200, body: {items: [], total: 0, page: 1, size: 20, pages: 0}, times: 2})
    const before = await runBin(['list'], {env: api.env(), bin})
    expect(before.stdout.trim(), before.stderr).to.equal('No agent runs match.')
    const hashBefore = loader.contentHash(fs.readFileSync(path.join(pkg, 'dist', 'cli.cjs')))
    const cachesBefore = userCaches(api.box().home)
    // Served by the build's cache, or (on another Node than the build's) by this user's under the same hash.
    if (buildCacheServesThisNode()) expect(cachesBefore, "served by the build's cache").to.deep.equal([])
    else expect(cachesBefore.map((f) => path.basename(f).slice(0, 16))).to.deep.equal([hashBefore])

    const bundle = path.join(pkg, 'dist', 'cli.cjs')
    const source = fs.readFileSync(bundle, 'latin1')
    expect(source).to.contain('No agent runs match.')
    fs.writeFileSync(bundle, source.replace('No agent runs match.', 'No agent runs matcX.'), 'latin1')
    const after = await runBin(['list'], {env: api.env(), bin})
    expect(after.stdout.trim(), after.stderr).to.equal('No agent runs matcX.')
    // Compiled from the edited source, and this user's cache is kept under the new content's hash.
    const hashAfter = loader.contentHash(fs.readFileSync(bundle))
    expect(hashAfter).to.not.equal(hashBefore)
    expect(
      userCaches(api.box().home)
        .filter((f) => !cachesBefore.includes(f))
        .map((f) => path.basename(f).slice(0, 16)),
    ).to.deep.equal([hashAfter])
  })

  describe("oclif's plugins' commands, bundled in chunks loaded only for those commands", () => {
    it('help COMMAND (plugin-help)', async () => {
      const res = await runBin(['help', 'list'], {env: api.env()})
      expect(res.code, res.stderr).to.equal(0)
      expect(res.stdout).to.contain('List agent runs, newest first.').and.to.contain('$ codegenapi list')
    })

    it('an unknown command is a usage error (exit 2) that names the closest command (F-49)', async () => {
      const res = await runBin(['lsit'], {env: api.env()})
      expect(res.code).to.equal(2)
      expect(res.stderr).to.contain('"lsit" is not a codegenapi command').and.to.contain('`codegenapi list`')
    })

    it('autocomplete (plugin-autocomplete)', async () => {
      const res = await runBin(['autocomplete', 'script', 'bash'], {env: api.env()})
      expect(res.code, res.stderr).to.equal(0)
      expect(res.stdout).to.contain('codegenapi')
    })

    it('our own commands still show their help without the plugins', async () => {
      const res = await runBin(['list', '--help'], {env: api.env()})
      expect(res.code, res.stderr).to.equal(0)
      expect(res.stdout).to.contain('--status')
    })
  })
})

describe('loading only what the run uses', function () {
  const api = useFakeApi()
  before(function () {
    if (plainBuild()) this.skip() // what the dependency patches leave out
  })

  /** Node's built-in modules a `list --json --limit 3` loaded, as a preloaded probe saw them at exit. */
  async function builtinsLoadedByList(): Promise<string[]> {
    const probe = path.join(api.box().home, 'modules-probe.cjs')
    const out = path.join(api.box().home, 'modules.txt')
    fs.writeFileSync(
      probe,
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, process.moduleLoadList.join('\\n')))`,
    )
    const res = await runBin(['list', '--json', '--limit', '3'], {env: api.env(), nodeArgs: ['--require', probe]})
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson<unknown[]>(res)).to.have.length(3)
    const loaded = fs.readFileSync(out, 'utf8').split('\n')
    expect(loaded, 'the probe saw the run').to.include.members(['NativeModule http', 'NativeModule https'])
    return loaded
  }

  it("list --json does not load node:dns (got's DNS cache is stubbed out)", async () => {
    expect(await builtinsLoadedByList()).to.not.include('NativeModule dns')
  })

  it("list --json loads neither fs/promises, perf_hooks, tty nor readline: oclif's help, logger and spinner wait for first use", async () => {
    const loaded = await builtinsLoadedByList()
    for (const unused of ['fs/promises', 'perf_hooks', 'tty', 'readline']) expect(loaded).to.not.include(`NativeModule ${unused}`)
  })

  it("what oclif loads on first use is there when a rare path needs it: parser errors, help, DEBUG's logger", async () => {
    const missing = await runBin(['get'], {env: api.env()})
    expect(missing.code, missing.stderr).to.equal(2)
    expect(missing.stderr).to.contain('Missing AGENT_RUN_ID')
    const badFlag = await runBin(['list', '--limit', 'abc'], {env: api.env()})
    expect(badFlag.code, badFlag.stderr).to.equal(2)
    expect(badFlag.stderr).to.contain('--limit')
    const help = await runBin(['get', '--help'], {env: api.env()})
    expect(help.code, help.stderr).to.equal(0)
    expect(help.stdout).to.contain('$ codegenapi get')
    const debug = await runBin(['list', '--json', '--limit', '1'], {env: {...api.env(), DEBUG: 'oclif:main'}})
    expect(debug.code, debug.stderr).to.equal(0)
    expect(debug.stderr).to.contain('oclif:main')
  })

  it('a YAML project config is read by the bundle (the YAML parser is imported on first use)', async () => {
    const dir = path.join(api.box().home, 'yaml-project')
    fs.mkdirSync(path.join(dir, '.git'), {recursive: true})
    fs.writeFileSync(path.join(dir, '.codegenapirc.yaml'), 'org-id: 31\n')
    // Neither the environment's org id nor the switch that turns project files off.
    const env = {...api.env(), CODEGEN_ORG_ID: undefined, CODEGENAPI_NO_PROJECT_CONFIG: undefined}
    const res = await runBin(['config', 'list', '--json'], {env, cwd: dir})
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson<{key: string; value: unknown}[]>(res).find((e) => e.key === 'org-id')).to.include({value: 31, source: 'project'})
  })

  it('list --json reads no chunk (jq, oclif plugins): they are for rare paths', async () => {
    const probe = path.join(api.box().home, 'files-probe.cjs')
    const out = path.join(api.box().home, 'files.json')
    fs.writeFileSync(
      probe,
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache))))`,
    )
    const res = await runBin(['list', '--json', '--limit', '3'], {env: api.env(), nodeArgs: ['--require', probe]})
    expect(res.code, res.stderr).to.equal(0)
    const files = JSON.parse(fs.readFileSync(out, 'utf8')) as string[]
    expect(files, 'the probe saw the run').to.include(path.join(ROOT, 'dist', 'cli.cjs'))
    expect(files.filter((f) => f.includes(`${path.sep}chunks${path.sep}`) || f.includes('node_modules'))).to.deep.equal([])

    const jq = await runBin(['list', '--json', '--limit', '3', '--jq', 'length'], {env: api.env(), nodeArgs: ['--require', probe]})
    expect(jq.stdout, jq.stderr).to.equal('3\n')
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).to.include(path.join(ROOT, 'dist', 'chunks', 'jq-wasm.cjs'))
  })
})

describe('on any supported Node (.ci/run runs these on 22, 24 and 26 too)', function () {
  const api = useFakeApi()

  it('--json writes nothing but the document: no deprecation or experimental warning on stderr', async () => {
    for (const args of [
      ['list', '--json', '--limit', '2'],
      ['orgs', '--json'],
      ['config', 'list', '--json'],
    ]) {
      const res = await runBin(args, {env: api.env()})
      expect(res.code, res.stderr).to.equal(0)
      expect(res.stderr, `codegenapi ${args.join(' ')} on ${process.version}`).to.equal('')
      expect(() => parseJson(res)).not.to.throw()
    }
  })
})

describe('leaving once the command is done', function () {
  const api = useFakeApi({runCount: 500})

  it('a JSON document larger than a pipe holds is written whole before the process exits', async () => {
    const res = await runBin(['list', '--json', '--limit', '500'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout.length).to.be.greaterThan(4 * 65536)
    expect(parseJson<unknown[]>(res)).to.have.length(500)
  })

  it('the exit code of a failed command survives the early exit', async () => {
    const res = await runBin(['get', '999999', '--json'], {env: api.env()})
    expect(res.code).to.equal(4)
    expect(parseJson<{error: {code: string}}>(res).error.code).to.equal('not_found')
  })
})
