// Spawned by the build (build/code-cache.mjs) with a stand-in API in CODEGEN_API_BASE_URL: runs a few
// commands in one process, then writes the V8 code cache of everything they compiled to argv[2].
// What a run compiled is what the next runs deserialize instead of compiling: the commands here are
// the ones people and scripts start most, in the output forms they use (JSON and tables).
'use strict'
const fs = require('node:fs')

const TRAINING = [
  ['list', '--json', '--limit', '3'],
  ['list', '--limit', '3'],
]

async function main() {
  const {loadBundle, runOnce, encodeCache, runKey} = require('../bin/load-cli.cjs')
  const {exports, script} = loadBundle({...process.env, CODEGENAPI_NO_CODE_CACHE: '1'})
  for (const argv of TRAINING) {
    await runOnce(exports, argv)
    if (process.exitCode) throw new Error(`training run \`${argv.join(' ')}\` exited ${process.exitCode}`)
  }
  // The runs it holds are listed in it: a run of another command refreshes the user's cache once.
  fs.writeFileSync(
    process.argv[2],
    encodeCache([...new Set(TRAINING.map((argv) => runKey(argv, exports.COMMANDS)))], script.createCachedData()),
  )
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error.stack ?? error}\n`)
    process.exit(1)
  },
)
