#!/usr/bin/env node
// `--version` is answered before oclif loads: scripts call it often and it should cost a bare `node`.
const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const {readFileSync} = await import('node:fs')
  const {version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`codegenapi/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  const {execute} = await import('../dist/main.js')
  await execute({dir: import.meta.url})
}
