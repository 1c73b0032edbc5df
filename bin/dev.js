#!/usr/bin/env node
// Runs the CLI straight from the TypeScript sources with tsx: no build, so an edit is tried at once
// (`bin/dev.js list --json`, `bin/dev.js mcp serve`). Slower to start than bin/run.js, which runs the
// bundle from a code cache; the exit code and output are the same.
'use strict'
const path = require('node:path')
const {pathToFileURL} = require('node:url')

const src = (file) => pathToFileURL(path.join(__dirname, '..', 'src', file)).href

async function main() {
  // What `node --import tsx` loads: TypeScript, ES modules and CommonJS alike, transpiled on load.
  await import('tsx')
  const {loadDevCli} = await import(src('dev-cli.ts'))
  const {run} = await import(src('cli.ts'))
  const cli = await loadDevCli()
  await run(process.argv.slice(2), cli.root, cli.pjson, cli.commands, {plugins: cli.plugins()})
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`)
  process.exitCode = 1
})
