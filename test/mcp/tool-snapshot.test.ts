import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {ALL_TOOL_NAMES} from '../../src/mcp/tools/index.js'
import {Sandbox} from '../helpers/cli.js'
import {startMcp} from './session.js'

// What models see of each tool (name, description, input and output schema, annotations) is kept in
// test/mcp/tool-snapshots/<name>.json, one file per tool, so that a change to it is a reviewed diff.
// After an intended change:
//   npm run build && UPDATE_SNAPSHOTS=1 npx mocha test/mcp/tool-snapshot.test.ts
// and commit the new snapshots with the change.

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tool-snapshots')
/** What a host passes to the model for the default toolsets, in tokens (characters / 4). */
const DEFAULT_BUDGET_TOKENS = 3000

async function listTools(args: string[]) {
  const box = new Sandbox()
  try {
    const s = await startMcp(box.env({CODEGENAPI_NO_PROJECT_CONFIG: '1'}), args)
    const {tools} = await s.client.listTools()
    await s.close()
    return tools
  } finally {
    box.remove()
  }
}

/** name + description + input schema, as a host hands them to a model, counted as characters / 4. */
const tokens = (t: {name: string; description?: string; inputSchema: unknown}) =>
  (t.name.length + (t.description ?? '').length + JSON.stringify(t.inputSchema).length) / 4

describe('tool snapshot', () => {
  it('each tool matches test/mcp/tool-snapshots/<name>.json (UPDATE_SNAPSHOTS=1 rewrites them)', async () => {
    const tools = await listTools(['--toolsets', 'all'])
    expect(tools.map((t) => t.name).sort()).to.deep.equal([...ALL_TOOL_NAMES].sort())
    if (process.env.UPDATE_SNAPSHOTS) {
      fs.rmSync(DIR, {recursive: true, force: true})
      fs.mkdirSync(DIR, {recursive: true})
    }
    for (const t of tools) {
      const current = {
        name: t.name,
        title: t.title,
        description: t.description,
        annotations: t.annotations,
        execution: t.execution,
        inputSchema: t.inputSchema,
        outputSchema: t.outputSchema,
      }
      const file = path.join(DIR, `${t.name}.json`)
      if (process.env.UPDATE_SNAPSHOTS) {
        fs.writeFileSync(file, JSON.stringify(current, null, 2) + '\n')
        continue
      }
      expect(fs.existsSync(file), `${file} is missing: run UPDATE_SNAPSHOTS=1`).to.equal(true)
      expect(
        current,
        `What models see of ${t.name} changed. If that is intended, review the diff, then run UPDATE_SNAPSHOTS=1 and commit ${file}.`,
      ).to.deep.equal(JSON.parse(fs.readFileSync(file, 'utf8')))
    }
    // No snapshot of a tool that is gone.
    expect(
      fs
        .readdirSync(DIR)
        .map((f) => f.replace(/\.json$/, ''))
        .sort(),
    ).to.deep.equal([...ALL_TOOL_NAMES].sort())
  })

  it(`the default toolsets cost a model under ${DEFAULT_BUDGET_TOKENS} tokens, codegenapi_list_repos included`, async () => {
    const tools = await listTools([])
    const total = Math.round(tools.reduce((sum, t) => sum + tokens(t), 0))
    process.stderr.write(`      default tools: ${tools.length}, about ${total} tokens (name, description, input schema)\n`)
    expect(tools.map((t) => t.name)).to.include('codegenapi_list_repos')
    expect(total).to.be.below(DEFAULT_BUDGET_TOKENS)
  })

  it('F-28: the README says what the schemas say of ids (integers; a client that checks refuses strings)', () => {
    const readme = fs.readFileSync(path.join(DIR, '..', '..', '..', 'README.md'), 'utf8')
    const schema = JSON.parse(fs.readFileSync(path.join(DIR, 'codegenapi_get_agent_run.json'), 'utf8'))
    expect(schema.inputSchema.properties.agent_run_id.type).to.equal('integer')
    expect(readme).to.not.match(/numeric string \(`"\d+"`\) is accepted too/)
    expect(readme).to.include('the schemas say `integer`')
  })

  it('descriptions speak in tools and arguments, never in CLI commands or flags', () => {
    const texts = (node: unknown, where: string, out: [string, string][]) => {
      if (node && typeof node === 'object')
        for (const [k, v] of Object.entries(node)) {
          if (k === 'description' && typeof v === 'string') out.push([where, v])
          else texts(v, `${where}.${k}`, out)
        }
      return out
    }
    for (const file of fs.readdirSync(DIR)) {
      const tool = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'))
      for (const [where, text] of texts(
        {description: tool.description, input: tool.inputSchema, output: tool.outputSchema},
        tool.name,
        [],
      )) {
        // `codegenapi login` and `codegenapi config set` may be named: they are what the user does in a
        // terminal for what no tool may do (set the token or the API origin).
        expect(text, where).to.not.match(/\bcodegenapi (new|get|list|resume|watch|logs|repos|users|orgs|whoami|open|mcp)\b/)
        expect(text, where).to.not.match(/(^|[\s(`])--[a-z]/)
      }
    }
  })
})
