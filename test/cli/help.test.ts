import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {SOURCE_TYPES} from '../../src/api/schemas.js'
import {exitCodeTable} from '../../src/cli/help-text.js'
import {ENV_NUMBERS} from '../../src/services/duration.js'
import {STATUS_FILTERS} from '../../src/services/status.js'
import {TASK_TEMPLATES} from '../../src/services/tasks.js'
import {ROOT, runCli, Sandbox} from '../helpers/cli.js'

describe('help made from the data the code uses (issue 12)', () => {
  let box: Sandbox
  beforeEach(() => (box = new Sandbox()))
  afterEach(() => box.remove())

  it('the README exit-code table is the one the code has, 130 included (F-49)', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    expect(readme).to.contain(exitCodeTable())
    expect(exitCodeTable()).to.contain('| 130 |')
  })

  it('the README lists every numeric environment variable with the range the code checks (F-73)', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    for (const [name, rule] of Object.entries(ENV_NUMBERS))
      expect(readme).to.match(new RegExp(`\\| \`${name}\` \\|[^\\n]*\\| ${rule.min} to ${rule.max} \\|`))
  })

  it('new, list and watch --help list task templates, statuses, source types and exit codes', async () => {
    const help = async (...args: string[]) => (await runCli([...args, '--help'], {env: box.env()})).stdout.replace(/\s+/g, ' ')
    const newHelp = await help('new')
    for (const task of Object.keys(TASK_TEMPLATES)) expect(newHelp).to.contain(task)
    const listHelp = await help('list')
    for (const name of Object.keys(STATUS_FILTERS)) expect(listHelp).to.contain(name)
    for (const type of SOURCE_TYPES) expect(listHelp).to.contain(type)
    expect(await help('watch')).to.contain('124 timed out, 130 Ctrl-C')
  })
})
