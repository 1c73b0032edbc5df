import fs from 'node:fs'
import path from 'node:path'
import {ExitCode} from './exit-codes.js'
import {oneLine} from '../output/sanitize.js'

/** The words before the first flag: the command id (topic separator ' ') and its arguments. */
export function leadingWords(argv: string[]): string[] {
  const end = argv.findIndex((arg) => arg.startsWith('-'))
  return end === -1 ? [...argv] : argv.slice(0, end)
}

/**
 * `codegenapi lst`: a usage error (exit 2) in the project's Error:/Hint: style, with the closest
 * command, instead of oclif's not-found plugin (its own style, exit 127, undocumented).
 * Returns undefined when argv names a command, a topic, a plugin's command, or no command at all.
 */
export function unknownCommand(
  argv: string[],
  ownIds: string[],
  pluginIds: string[],
  bin: string,
): {message: string; hint: string; exitCode: number} | undefined {
  const words = leadingWords(argv)
  if (words.length === 0) return undefined
  const ids = [...ownIds, ...pluginIds]
  const joined = (n: number) => words.slice(0, n).join(':')
  // The longest run of leading words that is a command or a topic (`config`, `mcp`).
  for (let n = words.length; n >= 1; n--) {
    const id = joined(n)
    if (ids.includes(id)) return undefined
    if (n === words.length && ids.some((c) => c.startsWith(`${id}:`))) return undefined
  }
  // What was meant as the command: the first word, or two after a topic (`config sett`); the rest are arguments.
  const topic = ids.some((c) => c.startsWith(`${words[0]}:`))
  const meant = words.slice(0, topic ? 2 : 1)
  const typed = meant.join(' ')
  const hint = suggest(meant, ownIds, bin)
  return {message: `"${oneLine(typed)}" is not a ${bin} command.`, hint, exitCode: ExitCode.USAGE}
}

function suggest(words: string[], ownIds: string[], bin: string): string {
  const all = `Run \`${bin} --help\` for the list of commands.`
  if (['version', 'help'].includes(words[0])) return `Did you mean \`${bin} --${words[0]}\`? ${all}`
  const typed = words.join(':')
  let best: {id: string; d: number} | undefined
  for (const id of ownIds) {
    const d = distance(typed, id)
    if (!best || d < best.d) best = {id, d}
  }
  if (best && best.d <= Math.max(2, Math.floor(typed.length / 3))) return `Did you mean \`${bin} ${best.id.replaceAll(':', ' ')}\`? ${all}`
  return all
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[b.length]
}

/** The commands of the plugins package.json lists (help, autocomplete), from their manifests. */
export function pluginCommandIds(root: string, plugins: string[]): string[] | undefined {
  try {
    return plugins.flatMap((name) => {
      const manifest = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'oclif.manifest.json'), 'utf8')) as {
        commands: Record<string, {aliases?: string[]}>
      }
      return Object.entries(manifest.commands).flatMap(([id, c]) => [id, ...(c.aliases ?? [])])
    })
  } catch {
    // Installed some other way: let oclif decide.
    return undefined
  }
}
