import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')

describe('new', () => {
  const api = useFakeApi({runDurationMs: 400})
  const creates = () => api.fake().requests.filter((r) => r.method === 'POST' && /\/agent\/run$/.test(r.path))

  it('creates a run from --repo and --task, resolving the repo id and rendering the template', async () => {
    const res = await runCli(['new', '--repo', 'zeeeepa/CODEGEN.py', '--task', 'CREATE_PLAN', '--query', 'Add retry logic', '--json'], {
      env: api.env(),
    })
    expect(res.code, res.stderr).to.equal(0)
    const run = parseJson(res)
    expect(run.id).to.be.a('number')
    expect(run.status).to.equal('ACTIVE')
    expect(run.web_url).to.be.a('string')
    const [post] = creates()
    const repo = await (
      await fetch(`${api.fake().url}/v1/organizations/${api.fake().orgId}/repos?limit=100&skip=100`, {
        headers: {authorization: `Bearer ${api.fake().token}`},
      })
    ).json()
    const all = [...api.fake().requests]
    expect(all.some((r) => r.path.endsWith('/repos'))).to.equal(true)
    expect(post.body.repo_id).to.be.a('number')
    expect(post.body.prompt).to.match(/^Task: CREATE_PLAN\nRepository: Zeeeepa\/codegen\.py/)
    expect(post.body.prompt).to.contain('Add retry logic')
    expect(post.body.metadata).to.include({repo: 'Zeeeepa/codegen.py', task: 'CREATE_PLAN', source: 'codegenapi'})
    expect(repo.items).to.be.an('array')
  })

  it('prints the id, status and web URL for a person', async () => {
    const res = await runCli(['new', '--query', 'Say hello'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(res.stdout).to.match(/Created agent run \d+ \(ACTIVE\)/)
    expect(res.stdout).to.match(/https?:\/\/\S+/)
    expect(creates()[0].body).to.include({prompt: 'Say hello', repo_id: null})
  })

  it('reads the prompt from stdin with --query - and from a pipe with no --query', async () => {
    const a = await runCli(['new', '--query', '-', '--json'], {env: api.env(), input: 'from stdin\n'})
    expect(a.code, a.stderr).to.equal(0)
    const b = await runCli(['new', '--json'], {env: api.env(), input: 'piped prompt'})
    expect(b.code, b.stderr).to.equal(0)
    expect(creates().map((r) => r.body.prompt)).to.deep.equal(['from stdin', 'piped prompt'])
  })

  it('reads --prompt-file', async () => {
    const file = path.join(api.box().home, 'task.md')
    fs.writeFileSync(file, '# Fix it\nplease')
    const res = await runCli(['new', '--prompt-file', file, '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(creates()[0].body.prompt).to.equal('# Fix it\nplease')
  })

  it('refuses a prompt over the size limit with exit 2 and sends nothing', async () => {
    const file = path.join(api.box().home, 'huge.md')
    fs.writeFileSync(file, 'x'.repeat(100_001))
    const res = await runCli(['new', '--prompt-file', file], {env: api.env()})
    expect(res.code).to.equal(2)
    expect(res.stderr).to.contain('longer than 100,000 characters')
    expect(api.fake().requests).to.have.length(0)
  })

  it('refuses a missing or blank prompt with exit 2 and sends nothing', async () => {
    for (const args of [['new'], ['new', '--query', '   ']]) {
      const res = await runCli(args, {env: api.env()})
      expect(res.code).to.equal(2)
      expect(res.stderr).to.match(/No prompt given|prompt is empty/)
    }
    expect(api.fake().requests).to.have.length(0)
  })

  it('fails on an unknown repo before creating anything, suggesting close matches', async () => {
    const res = await runCli(['new', '--repo', 'Zeeeepa/codegen.pi', '--query', 'x'], {env: api.env()})
    expect(res.code).to.equal(4)
    expect(res.stderr).to.contain('Zeeeepa/codegen.pi').and.to.contain('Did you mean').and.to.contain('Zeeeepa/codegen.py')
    expect(creates()).to.have.length(0)
  })

  it('caches the repository list per org', async () => {
    await runCli(['new', '--repo', 'Zeeeepa/codegen.py', '--query', 'a'], {env: api.env()})
    const first = api.fake().requests.filter((r) => r.path.endsWith('/repos')).length
    await runCli(['new', '--repo', 'Zeeeepa/codegen.py', '--query', 'b'], {env: api.env()})
    const second = api.fake().requests.filter((r) => r.path.endsWith('/repos')).length
    expect(first).to.be.greaterThan(1) // 140 repos: two pages
    expect(second).to.equal(first)
  })

  it('sends branch, PR, model, agent type, metadata and images', async () => {
    const repoId = api.fake().repos[3].id
    const img = path.join(api.box().home, 'shot.png')
    fs.writeFileSync(img, PNG_1PX)
    const res = await runCli(
      [
        'new',
        '--query',
        'q',
        '--task',
        'fix',
        '--branch',
        'main',
        '--pr',
        '12',
        '--model',
        'claude-x',
        '--agent-type',
        'claude_code',
        '--metadata',
        'ticket=ENG-1',
        '--metadata',
        'note=a=b',
        '--image',
        img,
        '--repo-id',
        String(repoId),
        '--json',
      ],
      {env: api.env()},
    )
    expect(res.code, res.stderr).to.equal(0)
    const body = creates()[0].body
    expect(body).to.include({repo_id: repoId, model: 'claude-x', agent_type: 'claude_code'})
    expect(body.metadata).to.include({ticket: 'ENG-1', note: 'a=b', branch: 'main', pr: 12, task: 'FIX', repo_id: repoId})
    expect(body.prompt).to.contain('Branch: main').and.to.contain('Pull request: #12')
    expect(body.images).to.deep.equal([`data:image/png;base64,${PNG_1PX.toString('base64')}`])
  })

  it('records a parent run from CODEGEN_PARENT_RUN_ID', async () => {
    const parent = api.fake().runs[3].id
    const res = await runCli(['new', '--query', 'child', '--json'], {env: api.env({CODEGEN_PARENT_RUN_ID: String(parent)})})
    expect(res.code, res.stderr).to.equal(0)
    expect(creates()[0].body.metadata).to.include({parent_run_id: parent})
  })

  it('refuses bad images, metadata and task names with exit 2, sending nothing', async () => {
    const txt = path.join(api.box().home, 'notes.txt')
    fs.writeFileSync(txt, 'not an image')
    const big = path.join(api.box().home, 'big.png')
    fs.writeFileSync(big, Buffer.concat([PNG_1PX, Buffer.alloc(10 * 1024 * 1024)]))
    const cases: [string[], RegExp][] = [
      [['--image', txt], /not a PNG, JPEG, GIF or WebP/],
      [['--image', path.join(api.box().home, 'missing.png')], /Image not found/],
      [['--image', big], /limit is 10 MB/],
      [['--metadata', 'novalue'], /key=value/],
      [['--task', 'fix!'], /Unknown task/],
      [['--task-label', 'fix!'], /Invalid task label/],
      [['--agent-type', 'robot'], /Expected --agent-type=robot to be one of/],
      [['--pr', 'abc'], /--pr must be a positive integer/],
      [['--org-id', 'acme'], /org-id must be a positive integer/],
      [['--timeout', '5m'], /--wait/],
    ]
    for (const [extra, message] of cases) {
      const res = await runCli(['new', '--query', 'q', ...extra], {env: api.env()})
      expect(res.code, `${extra.join(' ')}: ${res.stderr}`).to.equal(2)
      expect(res.stderr).to.match(message)
    }
    expect(api.fake().requests).to.have.length(0)
  })

  it('--wait follows the run to COMPLETE and prints the result', async () => {
    const res = await runCli(['new', '--query', 'q', '--wait', '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    expect(parseJson(res).status).to.equal('COMPLETE')
    const human = await runCli(['new', '--query', 'q', '--wait'], {env: api.env()})
    expect(human.code).to.equal(0)
    expect(human.stdout).to.match(/Agent run \d+\s+COMPLETE/)
    expect(human.stderr).to.match(/Created agent run \d+/)
  })

  it('needs a token and an org, saying how to set them (exit 3)', async () => {
    const noToken = await runCli(['new', '--query', 'q'], {env: api.env({CODEGEN_API_TOKEN: undefined})})
    expect(noToken.code).to.equal(3)
    expect(noToken.stderr).to.contain('No API token').and.to.contain('codegenapi login')
    const noOrg = await runCli(['new', '--query', 'q'], {env: api.env({CODEGEN_ORG_ID: undefined})})
    expect(noOrg.code).to.equal(3)
    expect(noOrg.stderr).to.contain('No organization id').and.to.contain('codegenapi orgs')
    expect(api.fake().requests).to.have.length(0)
  })
})

describe('new --wait outcomes', () => {
  describe('a run that errors', () => {
    const api = useFakeApi({runDurationMs: 300, outcome: 'ERROR'})
    it('exits 6 and still prints the run', async () => {
      const res = await runCli(['new', '--query', 'q', '--wait', '--json'], {env: api.env()})
      expect(res.code, res.stderr).to.equal(6)
      expect(parseJson(res).status).to.equal('ERROR')
    })
  })
  describe('a run that outlasts --timeout', () => {
    const api = useFakeApi({runDurationMs: 600_000})
    it('exits 124 with the run as it stands', async () => {
      const res = await runCli(['new', '--query', 'q', '--wait', '--timeout', '1s', '--json'], {env: api.env()})
      expect(res.code, res.stderr).to.equal(124)
      expect(parseJson(res).status).to.equal('ACTIVE')
    })
  })
})
