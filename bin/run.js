#!/usr/bin/env node
'use strict'
// CommonJS (bin/package.json): an ES module entry would start Node's ESM loader, a few ms of every run.
// Two answers need no framework: `--version`, and the top-level `--help` (rendered at build time).
// Scripts and people call them often; they should cost about a bare `node`.
const {readFileSync} = require('node:fs')
const path = require('node:path')

const ROOT = path.join(__dirname, '..')
const argv = process.argv.slice(2)
const fast = argv.length === 1 ? argv[0] : null

if (fast === '--version' || fast === '-v') {
  process.stdout.write(`${versionLine()}\n`)
} else if ((fast === '--help' || fast === '-h') && !process.env.CODEGENAPI_NO_HELP_CACHE && printCachedHelp()) {
  // done
} else {
  require('./load-cli.cjs').runCli(argv)
}

function readPackageJson() {
  return JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
}

function versionLine() {
  return `codegenapi/${readPackageJson().version} ${process.platform}-${process.arch} node-${process.version}`
}

function printCachedHelp() {
  let text
  try {
    text = readFileSync(path.join(ROOT, 'dist', 'help.txt'), 'utf8')
  } catch {
    return false
  }
  process.stdout.write(text.replace('{{VERSION}}', versionLine()))
  return true
}
