// What bin/run.js calls: oclif over our commands. The build bundles this module with every command
// (the COMMANDS table oclif's "explicit" discovery reads) into dist/cli.cjs, which bin/run.js loads
// from V8's code cache. bin/dev.js and the in-process tests call it from the sources, with the
// plugins src/dev-cli.ts loads once.
import {Exit, handle} from '@oclif/core/handle'
import type * as Interfaces from '@oclif/core/interfaces'
import {run as oclifRun} from '@oclif/core/run'
import {ExitCode} from './cli/exit-codes.js'
import {leadingWords, pluginCommandIds, unknownCommand} from './cli/unknown-command.js'
import {currentIO, processIO, withIO, type CommandIO} from './io.js'
import {oneLine} from './output/sanitize.js'
import {isSandboxValue, sandboxEnv, takeSandboxFlag} from './sandbox/mode.js'

type Commands = Record<string, unknown>

export interface RunOptions {
  /** Where the command line reads and writes (default: the process's). */
  io?: CommandIO
  /** oclif's plugins, already loaded (the root one serving our commands): no discovery per run. */
  plugins?: Map<string, Interfaces.Plugin>
}

// oclif's error handler ends with process.exit(code). Here it sets the run's exit code instead: the
// caller (bin/load-cli.cjs) leaves once output is written, and an in-process run leaves nothing.
// (Typed `never` by oclif, which assumes the process ends there.)
Exit.exit = ((code = 0) => {
  currentIO().exitCode = code
}) as typeof Exit.exit

/**
 * Runs `argv` as oclif would; the exit code is left in the IO's exitCode (process.exitCode for a real
 * run), and never by process.exit. For one of our own commands, oclif gets the package.json without
 * its plugins: help, not-found and autocomplete only serve `help`, `autocomplete` and unknown
 * commands, and reading their manifests is a tenth of every start-up.
 */
export async function run(
  argv: string[],
  root: string,
  pjson: Interfaces.PJSON,
  commands: Commands,
  opts: RunOptions = {},
): Promise<unknown> {
  let io = opts.io ?? processIO
  // --sandbox (any command) or CODEGEN_API_BASE_URL=sandbox: the run gets the sandbox's environment.
  const sandbox = takeSandboxFlag(argv)
  if (sandbox.on || isSandboxValue(io.env.CODEGEN_API_BASE_URL)) {
    argv = sandbox.argv
    io = inSandbox(io)
  }
  const own = isOwnCommand(argv, commands)
  if (!own && reportUnknownCommand(argv, root, pjson, commands, io)) return undefined
  const lean = own && !opts.plugins ? {...pjson, oclif: {...pjson.oclif, plugins: []}} : pjson
  // No user-installed or linked plugins (there is no `plugins install`): no need to look for them.
  const loadOptions = {root, pjson: lean, userPlugins: false, devPlugins: false, plugins: opts.plugins}
  return withIO(io, async () => {
    try {
      return await oclifRun(argv, loadOptions)
    } catch (error) {
      // What a command's own catch did not handle: oclif's usage errors, unknown commands, exit(n).
      if (own && reportUnexpectedArguments(error, argv, pjson, commands, io)) return undefined
      await handle(error as Error)
      return undefined
    }
  })
}

/**
 * The IO of a sandbox run (sandbox/mode.ts): the process's environment changed in place (it is the
 * process's), a test's run's replaced in a copy of its IO.
 */
function inSandbox(io: CommandIO): CommandIO {
  const env = sandboxEnv(io.env)
  if (io.real) {
    Object.assign(io.env, env)
    return io
  }
  return Object.create(io, {env: {value: env, enumerable: true}}) as CommandIO
}

/** `list --json`, `config set x` (topic separator ' '): the command id is the leading words before any flag. */
export function isOwnCommand(argv: string[], commands: Commands): boolean {
  const words = leadingWords(argv)
  return words.some((_, i) => Object.hasOwn(commands, words.slice(0, i + 1).join(':')))
}

/** An unknown command is a usage error (exit 2) in our own style; true when argv was one. */
function reportUnknownCommand(argv: string[], root: string, pjson: Interfaces.PJSON, commands: Commands, io: CommandIO): boolean {
  const pluginIds = pluginCommandIds(root, pjson.oclif.plugins ?? [])
  if (!pluginIds) return false
  const unknown = unknownCommand(argv, Object.keys(commands), pluginIds, binOf(pjson))
  if (!unknown) return false
  reportUsage(argv, unknown, io)
  return true
}

/**
 * `list extra`: oclif reads the words after a command that takes no argument as a longer command id
 * and says "command list:extra not found". Said as gh says it, as for a command that takes arguments.
 */
function reportUnexpectedArguments(error: unknown, argv: string[], pjson: Interfaces.PJSON, commands: Commands, io: CommandIO): boolean {
  if (!(error instanceof Error) || !/^command \S.* not found$/.test(error.message)) return false
  const words = leadingWords(argv)
  let n = words.length
  while (n > 0 && !Object.hasOwn(commands, words.slice(0, n).join(':'))) n--
  if (n === 0 || n === words.length) return false
  const bin = binOf(pjson)
  const command = words.slice(0, n).join(' ')
  const message = `Unexpected argument${words.length - n > 1 ? 's' : ''}: ${oneLine(words.slice(n).join(' '))}.`
  reportUsage(argv, {message, hint: `See \`${bin} ${command} --help\`.`, exitCode: ExitCode.USAGE}, io)
  return true
}

const binOf = (pjson: Interfaces.PJSON) => pjson.oclif.bin ?? 'codegenapi'

function reportUsage(argv: string[], usage: {message: string; hint: string; exitCode: number}, io: CommandIO): void {
  const {exitCode, ...error} = usage
  if (argv.includes('--json')) io.stdout.write(`${JSON.stringify({error: {code: 'usage', ...error, exitCode}}, null, 2)}\n`)
  else io.stderr.write(`Error: ${error.message}\nHint: ${error.hint}\n`)
  io.exitCode = exitCode
}
