import {expect} from 'chai'
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {BIN, Sandbox, parseJson, runCli, type CliResult} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

// Config trust (issue 11, section 3): project files are data only, found no higher than the git root,
// and cannot change where the token goes; the user file is written safely. Each test through the
// built binary.

const DEFAULT = 'https://api.codegen.com'

interface Entry {
  key: string
  value: unknown
  set: boolean
  source: string | null
}

/** A directory with a `.git`, under the sandbox's home. */
function repo(box: Sandbox, name: string): string {
  const dir = path.join(box.home, name)
  fs.mkdirSync(path.join(dir, '.git'), {recursive: true})
  return dir
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), {recursive: true})
  fs.writeFileSync(file, text)
}

async function entries(
  box: Sandbox,
  cwd: string,
  env: NodeJS.ProcessEnv = box.env(),
): Promise<{res: CliResult; byKey: Record<string, Entry>}> {
  const res = await runCli(['config', 'list', '--json'], {env, cwd})
  const list = parseJson<Entry[]>(res)
  return {res, byKey: Object.fromEntries(list.map((e) => [e.key, e]))}
}

describe('config trust: project files are data only (F-13)', () => {
  let box: Sandbox
  beforeEach(() => (box = new Sandbox()))
  afterEach(() => box.remove())

  const cjs = (marker: string) => `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran'); module.exports = {'org-id': 666}\n`
  const esm = (marker: string) =>
    `import fs from 'node:fs'; fs.writeFileSync(${JSON.stringify(marker)}, 'ran'); export default {'org-id': 666}\n`
  // Every place cosmiconfig would load code from for "codegenapi", and its own meta-config.
  const CODE: [string, (marker: string) => string][] = [
    ['.codegenapirc.js', cjs],
    ['.codegenapirc.cjs', cjs],
    ['.codegenapirc.mjs', esm],
    ['.codegenapirc.ts', esm],
    ['.codegenapirc.cts', cjs],
    ['.codegenapirc.mts', esm],
    ['.config/codegenapirc.js', cjs],
    ['.config/codegenapirc.cjs', cjs],
    ['.config/codegenapirc.mjs', esm],
    ['.config/codegenapirc.ts', esm],
    ['codegenapi.config.js', cjs],
    ['codegenapi.config.cjs', cjs],
    ['codegenapi.config.mjs', esm],
    ['codegenapi.config.ts', esm],
    ['.config/config.js', cjs],
    ['.config/config.cjs', cjs],
    ['.config/config.mjs', esm],
    ['.config/config.ts', esm],
  ]
  // What makes cosmiconfig read its meta-config: any file of ours, or our key in package.json.
  const TRIGGERS: [string, string][] = [
    ['.codegenapirc', '{"org-id": 5}\n'],
    ['.codegenapirc.yml', 'org-id: 5\n'],
    ['package.json', JSON.stringify({name: 'p', codegenapi: {'org-id': 5}})],
  ]

  CODE.forEach(([name, body], i) => {
    it(`never runs ${name}`, async () => {
      const dir = repo(box, 'proj')
      const marker = path.join(box.home, 'RAN')
      write(path.join(dir, name), body(marker))
      const [trigger, text] = TRIGGERS[i % TRIGGERS.length]
      write(path.join(dir, trigger), text)
      const {res, byKey} = await entries(box, dir)
      expect(fs.existsSync(marker), `${name} was executed`).to.equal(false)
      expect(res.code, res.stderr).to.equal(0)
      // The data file is still read; the code file never is.
      expect(byKey['org-id']).to.include({value: 5, source: 'project'})
      if (!name.startsWith('.config/config.')) expect(res.stderr).to.contain(`Not loading ${path.join(dir, name)}`)
    })
  })

  for (const meta of ['.config/config.json', '.config/config.yaml', '.config/config.yml']) {
    it(`ignores cosmiconfig's meta-config ${meta} naming a code file as a search place`, async () => {
      const dir = repo(box, 'proj')
      const marker = path.join(box.home, 'RAN')
      const options = {cosmiconfig: {searchPlaces: ['evil.cjs', 'evil.mjs'], loaders: {}}}
      write(
        path.join(dir, meta),
        meta.endsWith('.json') ? JSON.stringify(options) : "cosmiconfig:\n  searchPlaces: ['evil.cjs', 'evil.mjs']\n",
      )
      write(path.join(dir, 'evil.cjs'), cjs(marker))
      write(path.join(dir, 'evil.mjs'), esm(marker))
      write(path.join(dir, 'package.json'), JSON.stringify({codegenapi: {'org-id': 6}, cosmiconfig: {searchPlaces: ['evil.mjs']}}))
      const {res, byKey} = await entries(box, dir)
      expect(fs.existsSync(marker)).to.equal(false)
      expect(res.code, res.stderr).to.equal(0)
      expect(byKey['org-id']).to.include({value: 6, source: 'project'})
    })
  }

  // Every data kind cosmiconfig knows is still read, as data.
  const DATA: [string, string][] = [
    ['.codegenapirc', '{"org-id": 31}'],
    ['.codegenapirc', 'org-id: 31\n'],
    ['.codegenapirc.json', '{"org_id": 31}'],
    ['.codegenapirc.yaml', 'orgId: 31\n'],
    ['.codegenapirc.yml', '"org-id": "31"\n'],
    ['.config/codegenapirc', 'org-id: 31\n'],
    ['.config/codegenapirc.json', '\uFEFF{"org-id": 31}'],
    ['.config/codegenapirc.yaml', 'org-id: !!int 31\n'],
    ['.config/codegenapirc.yml', "org-id: 31\nnote: !!js/function \"function () { require('fs').writeFileSync('RAN', 'x') }\"\n"],
    ['package.json', JSON.stringify({name: 'p', codegenapi: {'org-id': 31}})],
  ]
  for (const [name, text] of DATA) {
    it(`reads ${name} (${JSON.stringify(text.slice(0, 18))}) as data`, async () => {
      const dir = repo(box, 'proj')
      write(path.join(dir, name), text)
      const {res, byKey} = await entries(box, path.join(dir))
      expect(res.code, res.stderr).to.equal(0)
      expect(byKey['org-id']).to.include({value: 31, source: 'project'})
      expect(fs.existsSync(path.join(dir, 'RAN'))).to.equal(false)
    })
  }
})

describe('config trust: a package.json without our key is not a config file', () => {
  let box: Sandbox
  beforeEach(() => (box = new Sandbox()))
  afterEach(() => box.remove())

  it('a project that depends on codegenapi (the name only in dependencies) gets no warning, and .codegenapirc still counts', async () => {
    const dir = repo(box, 'proj')
    write(
      path.join(dir, 'package.json'),
      JSON.stringify({name: 'p', devDependencies: {codegenapi: '^1.0.0'}, scripts: {x: 'codegenapi list'}}),
    )
    write(path.join(dir, '.codegenapirc'), '{"org-id": 44}')
    const {res, byKey} = await entries(box, dir)
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stderr).not.to.match(/package\.json/)
    expect(byKey['org-id']).to.include({value: 44, source: 'project'})
  })
})

describe('config trust: where project files are looked for (F-15)', () => {
  let box: Sandbox
  beforeEach(() => (box = new Sandbox()))
  afterEach(() => box.remove())

  it('outside a repository, only the working directory: a file in a shared parent is not read', async () => {
    // As in a shared temp directory: $TMP/shared/.codegenapirc, with the user in $TMP/shared/deep.
    write(path.join(box.home, 'shared', '.codegenapirc'), '{"org-id": 99}')
    const deep = path.join(box.home, 'shared', 'deep')
    fs.mkdirSync(deep)
    const {res, byKey} = await entries(box, deep)
    expect(res.code, res.stderr).to.equal(0)
    expect(byKey['org-id']).to.include({set: false})
    const p = await runCli(['config', 'path', '--json'], {env: box.env(), cwd: deep})
    expect(parseJson(p).project).to.equal(null)
  })

  it('inside a repository, up to its root and no higher', async () => {
    write(path.join(box.home, 'outer', '.codegenapirc'), '{"org-id": 98}')
    const root = repo(box, 'outer/repo')
    const sub = path.join(root, 'a', 'b')
    fs.mkdirSync(sub, {recursive: true})
    expect((await entries(box, sub)).byKey['org-id']).to.include({set: false})
    write(path.join(root, '.codegenapirc.json'), '{"org-id": 97}')
    expect((await entries(box, sub)).byKey['org-id']).to.include({value: 97, source: 'project'})
  })

  it('a git worktree (.git is a file) is a repository root too', async () => {
    const root = path.join(box.home, 'wt')
    write(path.join(root, '.git'), 'gitdir: /elsewhere\n')
    write(path.join(root, '.codegenapirc'), '{"org-id": 96}')
    write(path.join(box.home, '.codegenapirc'), '{"org-id": 95}')
    const sub = path.join(root, 'src')
    fs.mkdirSync(sub)
    expect((await entries(box, sub)).byKey['org-id']).to.include({value: 96, source: 'project'})
  })
})

describe('config trust: a project file cannot change where the token goes (F-14)', () => {
  let box: Sandbox
  beforeEach(() => (box = new Sandbox()))
  afterEach(() => box.remove())

  const REFUSED = [
    'https://evilcodegen.com',
    'http://evilcodegen.com:8111',
    'http://api.codegen.com',
    'https://api.codegen.com.evil.example',
    'https://api.codegen.com/evil',
    'https://api.codegen.com:8443',
    'https://evil.example',
    'http://127.0.0.1:8111',
    'http://localhost:8111',
  ]
  for (const url of REFUSED) {
    it(`refuses base-url ${url} from a project file`, async () => {
      const dir = repo(box, 'proj')
      write(path.join(dir, '.codegenapirc'), JSON.stringify({'base-url': url, 'org-id': 12}))
      const {res, byKey} = await entries(box, dir)
      expect(res.code, res.stderr).to.equal(0)
      expect(byKey['base-url']).to.include({value: DEFAULT, source: 'default'})
      expect(byKey['org-id']).to.include({value: 12, source: 'project'})
      expect(res.stderr).to.match(/Ignoring base-url .*(cannot change where the API token is sent|plain http)/)
    })
  }

  it('refuses it from package.json and from YAML under an alias too', async () => {
    const a = repo(box, 'a')
    write(path.join(a, 'package.json'), JSON.stringify({codegenapi: {baseUrl: 'https://evilcodegen.com'}}))
    expect((await entries(box, a)).byKey['base-url']).to.include({source: 'default'})
    const b = repo(box, 'b')
    write(path.join(b, '.codegenapirc.yaml'), 'base_url: http://evilcodegen.com:8111\n')
    expect((await entries(box, b)).byKey['base-url']).to.include({source: 'default'})
  })

  it('config get says so too', async () => {
    const dir = repo(box, 'proj')
    write(path.join(dir, '.codegenapirc'), '{"base-url": "https://evilcodegen.com"}')
    const res = await runCli(['config', 'get', 'base-url'], {env: box.env(), cwd: dir})
    expect(res.stdout.trim()).to.equal(`${DEFAULT}  (default)`)
    expect(res.stderr).to.contain('Ignoring base-url https://evilcodegen.com')
  })

  it('accepts exactly https://api.codegen.com', async () => {
    const dir = repo(box, 'proj')
    write(path.join(dir, '.codegenapirc'), '{"base-url": "https://API.codegen.com/"}')
    const {res, byKey} = await entries(box, dir)
    expect(byKey['base-url']).to.include({value: DEFAULT, source: 'project'})
    expect(res.stderr).not.to.contain('Ignoring')
  })

  describe('with a listener on this machine', () => {
    const api = useFakeApi()

    it('a project file naming a local server does not get the token sent there', async () => {
      const fake = api.fake()
      const dir = repo(api.box(), 'proj')
      write(path.join(dir, '.codegenapirc'), JSON.stringify({'base-url': fake.url}))
      // The user's own choice (a closed port) is what the project file tries to override.
      const env = api.env({CODEGEN_API_BASE_URL: undefined, CODEGENAPI_NO_PROJECT_CONFIG: undefined, CODEGENAPI_RETRY_BASE_MS: '1'})
      write(api.box().configFile, JSON.stringify({'base-url': 'http://127.0.0.1:9'}))
      const res = await runCli(['whoami'], {env, cwd: dir})
      expect(res.code).to.equal(1)
      expect(res.stderr).to.contain('127.0.0.1:9')
      expect(fake.requests, 'requests that reached the project file’s server').to.deep.equal([])
    })
  })
})

describe('config trust: plain http and bad tokens from any source (F-76)', () => {
  const api = useFakeApi()

  it('config set refuses plain http to another machine, and accepts it for this one', async () => {
    const box = api.box()
    const bad = await runCli(['config', 'set', 'base-url', 'http://api.codegen.com'], {env: box.env()})
    expect(bad.code).to.equal(2)
    expect(bad.stderr).to.contain('plain http')
    expect(fs.existsSync(box.configFile)).to.equal(false)
    expect((await runCli(['config', 'set', 'base-url', 'http://localhost:8111'], {env: box.env()})).code).to.equal(0)
    expect((await runCli(['config', 'set', 'base-url', 'https://staging.example.com'], {env: box.env()})).code).to.equal(0)
  })

  for (const [what, raw] of [
    ['a control character', 'abcdefgh\u0001ijkl'],
    ['DEL', 'abcdefgh\u007fijkl'],
    ['an escape sequence', 'abcdefgh\u001b[2Jijkl'],
  ] as const) {
    it(`refuses a token with ${what} at config set and login, sending nothing`, async () => {
      const box = api.box()
      const set = await runCli(['config', 'set', 'api-token'], {env: box.env(), input: `${raw}\n`})
      expect(set.code, set.stderr).to.equal(2)
      expect(set.stderr).to.contain('printable ASCII')
      expect(fs.existsSync(box.configFile)).to.equal(false)
      const login = await runCli(['login', '--with-token', '--org-id', '42'], {
        env: api.env({CODEGEN_API_TOKEN: undefined}),
        input: `${raw}\n`,
      })
      expect(login.code, login.stderr).to.equal(2)
      const env = await runCli(['whoami'], {env: api.env({CODEGEN_API_TOKEN: raw})})
      expect(env.code).to.equal(2)
      expect(env.stderr).to.contain('CODEGEN_API_TOKEN')
      expect(api.fake().requests).to.deep.equal([])
      expect(fs.existsSync(box.configFile)).to.equal(false)
    })
  }
})

describe('config trust: the user file (F-64, F-66, F-67, F-68, F-70, F-71)', () => {
  let box: Sandbox
  beforeEach(() => (box = new Sandbox()))
  afterEach(() => box.remove())
  const stored = () => JSON.parse(fs.readFileSync(box.configFile, 'utf8'))

  it('20 concurrent config set of different keys keep every key, and unknown ones (F-64)', async () => {
    write(box.configFile, JSON.stringify({'editor-note': 'keep me'}))
    const runs = Array.from({length: 20}, (_, i) => {
      const key = ['org-id', 'base-url', 'api-token'][i % 3]
      if (key === 'api-token')
        return runCli(['config', 'set', 'api-token'], {env: box.env(), input: `parallel-token-${i}-abcdef\n`, timeoutMs: 60_000})
      return runCli(['config', 'set', key, key === 'org-id' ? String(100 + i) : `http://127.0.0.1:${1000 + i}`], {
        env: box.env(),
        timeoutMs: 60_000,
      })
    })
    const results = await Promise.all(runs)
    expect(
      results.map((r) => r.code),
      results.map((r) => r.stderr).join(''),
    ).to.deep.equal(Array(20).fill(0))
    const file = stored()
    expect(Object.keys(file).sort()).to.deep.equal(['api-token', 'base-url', 'editor-note', 'org-id'])
    expect(fs.readdirSync(box.configDir)).to.deep.equal(['config.json'])
  })

  it('writing never changes the mode of an existing directory (F-66)', async () => {
    for (const mode of [0o755, 0o1777]) {
      const dir = path.join(box.home, `shared-${mode.toString(8)}`)
      fs.mkdirSync(dir)
      fs.chmodSync(dir, mode)
      const res = await runCli(['config', 'set', 'org-id', '5'], {env: box.env({CODEGENAPI_CONFIG_DIR: dir})})
      expect(res.code, res.stderr).to.equal(0)
      expect(fs.statSync(dir).mode & 0o7777).to.equal(mode)
      expect(fs.statSync(path.join(dir, 'config.json')).mode & 0o777).to.equal(0o600)
    }
    // A directory it creates is private.
    expect((await runCli(['config', 'set', 'org-id', '5'], {env: box.env()})).code).to.equal(0)
    expect(fs.statSync(box.configDir).mode & 0o777).to.equal(0o700)
  })

  it('a symlinked config file is written through the link (F-67)', async () => {
    const target = path.join(box.home, 'dotfiles', 'codegenapi.json')
    write(target, '{"org-id": 1}\n')
    fs.mkdirSync(box.configDir, {recursive: true})
    fs.symlinkSync(path.relative(box.configDir, target), box.configFile)
    expect((await runCli(['config', 'set', 'org-id', '5'], {env: box.env()})).code).to.equal(0)
    expect(fs.lstatSync(box.configFile).isSymbolicLink()).to.equal(true)
    expect(JSON.parse(fs.readFileSync(target, 'utf8'))).to.deep.equal({'org-id': 5})
    expect((await runCli(['config', 'unset', 'org-id'], {env: box.env()})).code).to.equal(0)
    expect(fs.lstatSync(box.configFile).isSymbolicLink()).to.equal(true)
    expect(JSON.parse(fs.readFileSync(target, 'utf8'))).to.deep.equal({})
    // A link whose target does not exist yet: the target is created.
    fs.rmSync(target)
    expect((await runCli(['config', 'set', 'org-id', '6'], {env: box.env()})).code).to.equal(0)
    expect(fs.lstatSync(box.configFile).isSymbolicLink()).to.equal(true)
    expect(JSON.parse(fs.readFileSync(target, 'utf8'))).to.deep.equal({'org-id': 6})
  })

  it('keeps keys it does not know, and writes one spelling of a key (F-68)', async () => {
    write(box.configFile, '{"org-id": 3, "editor-note": "keep me", "token": "old-token-abcdefgh"}\n')
    expect((await runCli(['config', 'set', 'org-id', '5'], {env: box.env()})).code).to.equal(0)
    expect(stored()).to.deep.equal({'org-id': 5, 'editor-note': 'keep me', token: 'old-token-abcdefgh'})
    expect((await runCli(['config', 'set', 'api-token'], {env: box.env(), input: 'new-token-abcdefgh'})).code).to.equal(0)
    expect(stored()).to.deep.equal({'org-id': 5, 'editor-note': 'keep me', 'api-token': 'new-token-abcdefgh'})
    expect((await runCli(['config', 'unset', 'api-token'], {env: box.env()})).code).to.equal(0)
    expect(stored()).to.deep.equal({'org-id': 5, 'editor-note': 'keep me'})
  })

  it('reports a wrong type, tolerates a BOM, reports a key spelled twice (F-70)', async () => {
    write(box.configFile, '{"org-id": {"x": 1}}')
    const wrong = await runCli(['config', 'get', 'org-id'], {env: box.env()})
    expect(wrong.code).to.equal(1)
    expect(wrong.stderr).to.contain(`org-id in ${box.configFile} is not a number`)

    write(box.configFile, '\uFEFF{"org-id": 4}\n')
    const bom = await runCli(['config', 'get', 'org-id', '--json'], {env: box.env()})
    expect(parseJson(bom)).to.include({value: 4, source: 'user'})

    write(box.configFile, '{"api-token": "aaaaaaaa1111", "token": "bbbbbbbb2222"}')
    const twice = await runCli(['config', 'get', 'api-token'], {env: box.env()})
    expect(twice.code).to.equal(1)
    expect(twice.stderr).to.contain('sets api-token twice').and.contain('"token"')
    // Setting the key again writes one spelling, which clears the conflict.
    expect((await runCli(['config', 'set', 'api-token'], {env: box.env(), input: 'cccccccc3333'})).code).to.equal(0)
    expect(stored()).to.deep.equal({'api-token': 'cccccccc3333'})
  })

  it('a failed write leaves no temporary file and the old file as it was (F-71)', async () => {
    // Over 1 KiB, so that a process limited to 1 KiB files (ulimit -f 1) cannot write it again.
    const before = JSON.stringify({'org-id': 3, 'base-url': `https://example.com/${'x'.repeat(2000)}`}) + '\n'
    write(box.configFile, before)
    const res = await new Promise<{code: number | null; stderr: string}>((resolve, reject) => {
      // SIGXFSZ ignored: the write fails with EFBIG instead of killing the process.
      const child = spawn('bash', ['-c', `trap '' XFSZ; ulimit -f 1; exec "${process.execPath}" "${BIN}" config set org-id 5`], {
        env: box.env({CODEGENAPI_NO_CODE_CACHE: '1'}),
        cwd: box.home,
      })
      let stderr = ''
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.on('error', reject)
      child.on('close', (code) => resolve({code, stderr}))
    })
    expect(res.code).not.to.equal(0)
    expect(res.stderr).to.match(/EFBIG|too large/i)
    expect(fs.readdirSync(box.configDir)).to.deep.equal(['config.json'])
    expect(fs.readFileSync(box.configFile, 'utf8')).to.equal(before)
  })
})
