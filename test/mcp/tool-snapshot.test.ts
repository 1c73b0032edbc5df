import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {Sandbox} from '../helpers/cli.js'
import {startMcp} from './session.js'

// What models see of each tool (name, description, input and output schema, annotations) is kept in
// tool-snapshot.json, so that a change to it is a reviewed diff. After an intended change:
//   npm run build && UPDATE_SNAPSHOTS=1 npm test
// and commit the new snapshot with the change.

const SNAPSHOT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tool-snapshot.json')

describe('tool snapshot', () => {
  it('matches test/mcp/tool-snapshot.json (UPDATE_SNAPSHOTS=1 rewrites it)', async () => {
    const box = new Sandbox()
    try {
      const s = await startMcp(box.env({CODEGENAPI_NO_PROJECT_CONFIG: '1'}))
      const {tools} = await s.client.listTools()
      await s.close()
      const current = tools
        .map((t) => ({
          name: t.name,
          title: t.title,
          description: t.description,
          annotations: t.annotations,
          execution: t.execution,
          inputSchema: t.inputSchema,
          outputSchema: t.outputSchema,
        }))
        .sort((a, b) => a.name.localeCompare(b.name))
      const text = JSON.stringify(current, null, 2) + '\n'
      if (process.env.UPDATE_SNAPSHOTS) {
        fs.writeFileSync(SNAPSHOT, text)
        return
      }
      expect(fs.existsSync(SNAPSHOT), `${SNAPSHOT} is missing: run UPDATE_SNAPSHOTS=1 npm test`).to.equal(true)
      const saved = JSON.parse(fs.readFileSync(SNAPSHOT, 'utf8'))
      expect(
        current,
        'The tools models see changed. If that is intended, review the diff, then run UPDATE_SNAPSHOTS=1 npm test and commit test/mcp/tool-snapshot.json.',
      ).to.deep.equal(saved)
    } finally {
      box.remove()
    }
  })
})
