import * as Flags from '@oclif/core/flags'
import {usageError} from '../api/errors.js'

/** `--json id,status,web_url`: keep only these keys of an object, or of each object in an array. */
export function pickFields(value: unknown, fields: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => pickFields(v, fields))
  if (value === null || typeof value !== 'object') return value
  const source = value as Record<string, unknown>
  return Object.fromEntries(fields.map((f) => [f, source[f] ?? null]))
}

const FIELD_LIST = /^[A-Za-z_][A-Za-z0-9_]*(,[A-Za-z_][A-Za-z0-9_]*)*$/

const split = (list: string) =>
  list
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)

/**
 * Finds `--json=a,b` or `--json a,b` in argv, rewrites it to a plain `--json`, and returns the field
 * names. The word after `--json` is a field list when it has a comma, when the command takes no
 * argument, or when it names one of the command's fields (`get 7059 --json status`, as gh).
 */
export function extractJsonFields(argv: string[], opts: {takesArgs: boolean; fields?: readonly string[]}): string[] | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') return undefined
    if (argv[i].startsWith('--json=')) {
      const list = argv[i].slice('--json='.length)
      argv[i] = '--json'
      return split(list)
    }
    if (argv[i] === '--json' && i + 1 < argv.length) {
      const next = argv[i + 1]
      if (FIELD_LIST.test(next) && (next.includes(',') || !opts.takesArgs || opts.fields?.includes(next))) {
        argv.splice(i + 1, 1)
        return split(next)
      }
    }
  }
  return undefined
}

/** Every field asked for must be one the command declares: a typo is a usage error, as in gh. */
export function checkFields(asked: readonly string[], known: readonly string[]): void {
  const unknown = asked.filter((f) => !known.includes(f))
  if (unknown.length === 0) return
  throw usageError(
    `Unknown JSON field${unknown.length > 1 ? 's' : ''}: ${unknown.map((f) => JSON.stringify(f)).join(', ')}.`,
    `Available fields: ${known.join(', ')}.`,
  )
}

// Which commands declared which fields: the --json flag object is the key, so the declaration is the
// flag definition itself (one line in each command), and help lists the same fields the check uses.
const declared = new WeakMap<object, readonly string[]>()

export const declaredFields = (jsonFlag: unknown): readonly string[] | undefined =>
  jsonFlag && typeof jsonFlag === 'object' ? declared.get(jsonFlag) : undefined

/**
 * `--json [FIELDS]` and `--jq EXPR` for a command whose JSON objects have these fields. It replaces
 * oclif's own `--json` flag (same name, same meaning) with one whose help lists the fields.
 */
export function jsonFlags(fields: readonly string[]) {
  const json = Flags.boolean({
    description: `Print JSON. --json FIELD,FIELD... keeps only those fields: ${fields.join(', ')}.`,
    helpGroup: 'GLOBAL',
  })
  declared.set(json, fields)
  return {
    json,
    jq: Flags.string({
      description: 'With --json: filter the JSON with a jq expression (e.g. ".[].id"); strings print without quotes.',
      helpGroup: 'GLOBAL',
      dependsOn: ['json'],
    }),
  }
}
