import {expect} from 'chai'
import {parseJson, runCli} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

describe('repos check-suite get|set', () => {
  const api = useFakeApi()
  const settingsCalls = () => api.fake().requests.filter((r) => r.path.endsWith('/repos/check-suite-settings'))

  it('get by OWNER/NAME: resolves the repository id and shows the settings', async () => {
    const res = await runCli(['repos', 'check-suite', 'get', 'zeeeepa/codegen.py'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    const id = api.fake().repos.find((r) => r.full_name === 'Zeeeepa/codegen.py')!.id
    expect(res.stdout)
      .to.contain(`Check-suite settings of Zeeeepa/codegen.py (${id})`)
      .and.to.match(/Retries per check\s+2/)
    expect(settingsCalls().map((r) => r.query)).to.deep.equal([{repo_id: String(id)}])
  })

  it('get by numeric id --json: the settings as the API sent them', async () => {
    const id = api.fake().repos[0].id
    const res = await runCli(['repos', 'check-suite', 'get', String(id), '--json'], {env: api.env()})
    expect(res.code, res.stderr).to.equal(0)
    const out = parseJson(res)
    expect(out.repo).to.deep.equal({id, full_name: null})
    expect(out.settings.available_check_suite_names).to.include('test')
    // No repository listing for a numeric id.
    expect(api.fake().requests.filter((r) => r.path.endsWith('/repos'))).to.have.length(0)
  })

  it('set sends only the settings given, then reads them back', async () => {
    const id = api.fake().repos[0].id
    const res = await runCli(
      [
        'repos',
        'check-suite',
        'set',
        String(id),
        '--retry-count',
        '4',
        '--ignore-checks',
        'lint,docs',
        '--check-retries',
        'test=3',
        '--custom-prompt',
        'e2e=Rerun flaky tests first',
        '--json',
      ],
      {env: api.env()},
    )
    expect(res.code, res.stderr).to.equal(0)
    const put = settingsCalls().find((r) => r.method === 'PUT')!
    expect(put.body).to.deep.equal({
      check_retry_count: 4,
      ignored_checks: ['lint', 'docs'],
      check_retry_counts: {test: 3},
      custom_prompts: {e2e: 'Rerun flaky tests first'},
    })
    const out = parseJson(res)
    expect(out.settings).to.include({check_retry_count: 4})
    expect(out.settings.ignored_checks).to.deep.equal(['lint', 'docs'])
    expect(out.settings.high_priority_apps).to.deep.equal([])
    // An empty value clears a list.
    const cleared = await runCli(['repos', 'check-suite', 'set', String(id), '--ignore-checks', '', '--json'], {env: api.env()})
    expect(cleared.code, cleared.stderr).to.equal(0)
    expect(parseJson(cleared).settings.ignored_checks).to.deep.equal([])
    expect(parseJson(cleared).settings.check_retry_count).to.equal(4)
  })

  it('set refuses nothing to change, counts out of 0-10 and bad pairs before sending (exit 2)', async () => {
    const id = String(api.fake().repos[0].id)
    for (const extra of [
      [],
      ['--retry-count', '11'],
      ['--retry-count', '-1'],
      ['--check-retries', 'test'],
      ['--check-retries', 'test=x'],
    ]) {
      const res = await runCli(['repos', 'check-suite', 'set', id, ...extra], {env: api.env()})
      expect(res.code, extra.join(' ')).to.equal(2)
    }
    expect(api.fake().requests).to.have.length(0)
  })

  it('an unknown repository is exit 4 with close matches', async () => {
    const res = await runCli(['repos', 'check-suite', 'get', 'Zeeeepa/codegen.pi'], {env: api.env()})
    expect(res.code).to.equal(4)
    expect(res.stderr).to.contain('Did you mean')
    expect(settingsCalls()).to.have.length(0)
  })
})
