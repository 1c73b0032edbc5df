// What bin/run.js calls: oclif over our commands. The build bundles this module with every command
// (the COMMANDS table oclif's "explicit" discovery reads) into dist/cli.cjs, which bin/run.js loads
// from V8's code cache.
import {execute} from '@oclif/core/execute'
import type * as Interfaces from '@oclif/core/interfaces'
import {pluginCommandIds, unknownCommand} from './cli/unknown-command.js'

type Commands = Record<string, unknown>

/**
 * Runs `argv` as oclif would. For one of our own commands, oclif gets the package.json without its
 * plugins: help, not-found and autocomplete only serve `help`, `autocomplete` and unknown commands,
 * and reading their manifests is a tenth of every start-up.
 */
export async function run(argv: string[], root: string, pjson: Interfaces.PJSON, commands: Commands): Promise<unknown> {
  const own = isOwnCommand(argv, commands)
  if (!own && reportUnknownCommand(argv, root, pjson, commands)) return undefined
  const lean = own ? {...pjson, oclif: {...pjson.oclif, plugins: []}} : pjson
  // No user-installed or linked plugins (there is no `plugins install`): no need to look for them.
  return execute({args: argv, loadOptions: {root, pjson: lean as Interfaces.PJSON, userPlugins: false, devPlugins: false}})
}

/** `list --json`, `config set x` (topic separator ' '): the command id is the leading words before any flag. */
export function isOwnCommand(argv: string[], commands: Commands): boolean {
  const words: string[] = []
  for (const arg of argv) {
    if (arg.startsWith('-')) break
    words.push(arg)
    if (Object.hasOwn(commands, words.join(':'))) return true
  }
  return false
}

/** An unknown command is a usage error (exit 2) in our own style; true when argv was one. */
function reportUnknownCommand(argv: string[], root: string, pjson: Interfaces.PJSON, commands: Commands): boolean {
  const pluginIds = pluginCommandIds(root, pjson.oclif.plugins ?? [])
  if (!pluginIds) return false
  const bin = pjson.oclif.bin ?? 'codegenapi'
  const unknown = unknownCommand(argv, Object.keys(commands), pluginIds, bin)
  if (!unknown) return false
  const {exitCode, ...error} = unknown
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({error: {code: 'usage', ...error, exitCode}}, null, 2)}\n`)
  else process.stderr.write(`Error: ${error.message}\nHint: ${error.hint}\n`)
  process.exitCode = exitCode
  return true
}
