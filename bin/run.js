#!/usr/bin/env node
// Two answers need no framework: `--version`, and the top-level `--help` (rendered at build time).
// Scripts and people call them often; they should cost about a bare `node`.
const argv = process.argv.slice(2)
const fast = argv.length === 1 ? argv[0] : null
if (fast === '--version' || fast === '-v') {
  const {readFileSync} = await import('node:fs')
  const {version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`codegenapi/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else if ((fast === '--help' || fast === '-h') && !process.env.CODEGENAPI_NO_HELP_CACHE && (await printCachedHelp())) {
  // done
} else {
  const {execute} = await import('../dist/main.js')
  await execute({dir: import.meta.url})
}

async function printCachedHelp() {
  const {readFileSync} = await import('node:fs')
  let text
  try {
    text = readFileSync(new URL('../dist/help.txt', import.meta.url), 'utf8')
  } catch {
    return false
  }
  const {version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(text.replace('{{VERSION}}', `codegenapi/${version} ${process.platform}-${process.arch} node-${process.version}`))
  return true
}
