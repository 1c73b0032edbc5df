/** `--json id,status,web_url`: keep only these keys of an object, or of each object in an array. */
export function pickFields(value: unknown, fields: string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => pickFields(v, fields))
  if (value === null || typeof value !== 'object') return value
  const source = value as Record<string, unknown>
  return Object.fromEntries(fields.map((f) => [f, source[f] ?? null]))
}

const FIELD_LIST = /^[A-Za-z_][A-Za-z0-9_]*(,[A-Za-z_][A-Za-z0-9_]*)*$/

/**
 * Finds `--json=a,b` or `--json a,b` (a comma list, or one name when the command takes no argument)
 * in argv, rewrites it to a plain `--json`, and returns the field names.
 */
export function extractJsonFields(argv: string[], takesArgs: boolean): string[] | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') return undefined
    if (argv[i].startsWith('--json=')) {
      const list = argv[i].slice('--json='.length)
      argv[i] = '--json'
      return list
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean)
    }
    if (argv[i] === '--json' && i + 1 < argv.length) {
      const next = argv[i + 1]
      if (FIELD_LIST.test(next) && (next.includes(',') || !takesArgs)) {
        argv.splice(i + 1, 1)
        return next.split(',')
      }
    }
  }
  return undefined
}
