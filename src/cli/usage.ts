import {stripVTControlCharacters} from 'node:util'

/**
 * oclif's parse errors as one line, in the project's Error:/Hint: style: no "Parsing --limit" preamble,
 * no "The following error occurred:" header, no trailing "See more help with --help" (the hint says it).
 */
export function usageMessage(err: Error & {args?: {name?: string; description?: string}[]}): string {
  if (err.name === 'RequiredArgsError' || /^Missing \d+ required arg/.test(err.message)) {
    const names = (err.args ?? []).map((a) => argName(a.name ?? ''))
    if (names.length) return `Missing ${names.join(' and ')}.`
  }
  const lines = stripVTControlCharacters(err.message)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== 'See more help with --help' && !/^The following errors? occurred:$/.test(l))
    .map((l) => l.replace(/^Parsing --\S+\s*$/, '').replace(/^Nonexistent flags?:/, (m) => m.replace('Nonexistent', 'Unknown')))
    .filter(Boolean)
  const text = lines.join('; ')
  return /[.!?]$/.test(text) ? text : `${text}.`
}

/** agentRunId -> AGENT_RUN_ID, as the usage line shows arguments. */
export const argName = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()

/** Where to look next: the command's own help. */
export const helpHint = (bin: string, id: string | undefined) => `See \`${bin}${id ? ` ${id.replaceAll(':', ' ')}` : ''} --help\`.`
