// What bin/run.js calls: oclif over our commands. The build bundles this module with every command
// (the COMMANDS table oclif's "explicit" discovery reads) into dist/cli.cjs, which bin/run.js loads
// from V8's code cache.
import {execute} from '@oclif/core/execute'
import type * as Interfaces from '@oclif/core/interfaces'

type Commands = Record<string, unknown>

/**
 * Runs `argv` as oclif would. For one of our own commands, oclif gets the package.json without its
 * plugins: help, not-found and autocomplete only serve `help`, `autocomplete` and unknown commands,
 * and reading their manifests is a tenth of every start-up.
 */
export async function run(argv: string[], root: string, pjson: Interfaces.PJSON, commands: Commands): Promise<unknown> {
  const own = isOwnCommand(argv, commands)
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
