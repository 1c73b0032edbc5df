// The build's V8 code cache for dist/cli.cjs: made by real runs of `list` against a throwaway local
// server (build/train-code-cache.cjs), so that the functions a command runs are in it.
import {execFile} from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import {createRequire} from 'node:module'
import os from 'node:os'
import path from 'node:path'
import {DIST, ROOT} from './bundle.mjs'

const require = createRequire(import.meta.url)

/** A stand-in API for the training runs: agent runs in the shape the contract gives, with pull requests. */
function startTrainingApi() {
  const runs = [1, 2, 3].map((id) => ({
    id,
    organization_id: 1,
    status: ['COMPLETE', 'ACTIVE', 'FAILED'][id - 1],
    created_at: new Date(Date.now() - id * 3_600_000).toISOString(),
    web_url: `https://codegen.com/agent/trace/${id}`,
    result: id === 1 ? 'Done: the flaky test is fixed.' : null,
    summary: id === 1 ? 'Fixed a flaky test' : null,
    source_type: 'API',
    metadata: {repo: 'acme/api'},
    github_pull_requests:
      id === 1
        ? [
            {
              id: 10,
              title: 'Fix flaky test',
              url: 'https://github.com/acme/api/pull/10',
              created_at: new Date().toISOString(),
              head_branch_name: 'codegen-bot/fix',
            },
          ]
        : [],
  }))
  const server = http.createServer((req, res) => {
    res.writeHead(200, {'content-type': 'application/json'})
    res.end(JSON.stringify({items: runs, total: runs.length, page: 1, size: runs.length, pages: 1}))
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

/**
 * dist's code cache: build/train-code-cache.cjs runs commands against a stand-in API and writes it,
 * named after the bundle's content hash (bin/load-cli.cjs takes the same hash of what it loads).
 */
export async function makeCodeCache() {
  for (const f of fs.readdirSync(DIST)) if (/^cli-.*\.cache$/.test(f)) fs.rmSync(path.join(DIST, f))
  const server = await startTrainingApi()
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenapi-build-'))
  const {codeCacheFile, contentHash} = require('../bin/load-cli.cjs')
  const target = path.join(DIST, codeCacheFile(contentHash(fs.readFileSync(path.join(DIST, 'cli.cjs')))))
  try {
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CACHE_HOME: path.join(home, 'cache'),
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_STATE_HOME: path.join(home, 'state'),
      CODEGEN_API_BASE_URL: `http://127.0.0.1:${server.address().port}`,
      CODEGEN_API_TOKEN: 'build-training',
      CODEGEN_ORG_ID: '1',
      CODEGENAPI_NO_PROJECT_CONFIG: '1',
      NO_COLOR: '1',
    }
    await new Promise((resolve, reject) =>
      execFile(process.execPath, [path.join(ROOT, 'build', 'train-code-cache.cjs'), target], {env, cwd: home}, (error, stdout, stderr) =>
        error ? reject(new Error(`training run failed: ${stderr}`)) : resolve(stdout),
      ),
    )
    fs.chmodSync(target, 0o644)
  } finally {
    server.close()
    fs.rmSync(home, {recursive: true, force: true})
  }
}
