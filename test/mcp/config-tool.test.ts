import {expect} from 'chai'
import {CallToolResultSchema} from '@modelcontextprotocol/sdk/types.js'
import fs from 'node:fs'
import {useFakeApi} from '../helpers/fake.js'
import {startMcp, textOf, type McpSession} from './session.js'

// F-16: a model (or text injected into what it reads) cannot repoint the API or remove the token
// through codegenapi_config, and the tool's annotations say that it changes state.

const call = (s: McpSession, args: Record<string, unknown>) =>
  s.client.callTool({name: 'codegenapi_config', arguments: args}, CallToolResultSchema)

describe('codegenapi_config trust (F-16)', () => {
  const api = useFakeApi()

  it('cannot set base-url, nor set or unset the token; org-id it can', async () => {
    const box = api.box()
    fs.mkdirSync(box.configDir, {recursive: true})
    const saved = {'api-token': 'stored-token-abcdef123456', 'org-id': 42}
    fs.writeFileSync(box.configFile, JSON.stringify(saved))
    // Credentials from the user file, as a real install has them.
    const s = await startMcp(api.env({CODEGEN_API_TOKEN: undefined, CODEGEN_ORG_ID: undefined}), ['--toolsets', 'all'])
    for (const args of [
      {action: 'set', key: 'base-url', value: 'http://127.0.0.1:8111'},
      {action: 'set', key: 'base_url', value: 'https://api.codegen.com'},
      {action: 'unset', key: 'base-url'},
      {action: 'set', key: 'api-token', value: 'attacker-token-123456'},
      {action: 'set', key: 'token', value: 'attacker-token-123456'},
      {action: 'unset', key: 'api-token'},
      {action: 'unset', key: 'apiToken'},
    ]) {
      const res = await call(s, args)
      expect(res.isError, JSON.stringify(args)).to.equal(true)
      expect(textOf(res)).to.match(/cannot be (changed|set|removed) through MCP/)
      expect(textOf(res)).to.contain('in a terminal')
      expect(JSON.parse(fs.readFileSync(box.configFile, 'utf8'))).to.deep.equal(saved)
    }
    const org = await call(s, {action: 'set', key: 'org-id', value: '57'})
    expect(org.isError).not.to.equal(true)
    expect(JSON.parse(fs.readFileSync(box.configFile, 'utf8'))).to.deep.equal({...saved, 'org-id': 57})
    await s.close()
    expect(s.stdout() + s.stderr()).not.to.contain(saved['api-token'])
  })

  it('is annotated as changing state, not as harmless', async () => {
    const s = await startMcp(api.env(), ['--toolsets', 'all'])
    const {tools} = await s.client.listTools()
    const tool = tools.find((t) => t.name === 'codegenapi_config')!
    expect(tool.annotations).to.include({readOnlyHint: false, destructiveHint: true, openWorldHint: false})
    expect(tool.description).to.contain('cannot be changed here')
    await s.close()
  })
})
