// Request validation the way FastAPI + pydantic 2 report it: 422 with `detail: [{type, loc, msg, input, ctx?}]`.
import {SOURCE_TYPES, type SourceType} from './types.js'

export interface ValidationIssue {
  type: string
  loc: (string | number)[]
  msg: string
  input: unknown
  ctx?: Record<string, unknown>
}

const enumText = (values: readonly string[]) =>
  values
    .map((v) => `'${v}'`)
    .join(', ')
    .replace(/, ([^,]*)$/, ' or $1')

/** Collects issues for one request; FastAPI reports path, query and body problems together. */
export class Issues {
  readonly list: ValidationIssue[] = []

  add(type: string, loc: (string | number)[], msg: string, input: unknown, ctx?: Record<string, unknown>): undefined {
    this.list.push(ctx ? {type, loc, msg, input, ctx} : {type, loc, msg, input})
    return undefined
  }

  /** An integer path or query parameter; null/undefined raw means absent. */
  int(
    where: 'path' | 'query',
    name: string,
    raw: string | null | undefined,
    opts: {ge?: number; le?: number; default?: number} = {},
  ): number | undefined {
    const loc = [where, name]
    if (raw === null || raw === undefined) return where === 'path' ? this.add('missing', loc, 'Field required', null) : opts.default
    if (!/^\s*[+-]?\d+\s*$/.test(raw))
      return this.add('int_parsing', loc, 'Input should be a valid integer, unable to parse string as an integer', raw)
    const n = Number(raw)
    if (opts.ge !== undefined && n < opts.ge)
      return this.add('greater_than_equal', loc, `Input should be greater than or equal to ${opts.ge}`, raw, {ge: opts.ge})
    if (opts.le !== undefined && n > opts.le)
      return this.add('less_than_equal', loc, `Input should be less than or equal to ${opts.le}`, raw, {le: opts.le})
    return n
  }

  bool(name: string, raw: string | null, def: boolean): boolean | undefined {
    if (raw === null) return def
    const v = raw.trim().toLowerCase()
    if (['true', '1', 'yes', 'on', 't', 'y'].includes(v)) return true
    if (['false', '0', 'no', 'off', 'f', 'n'].includes(v)) return false
    return this.add('bool_parsing', ['query', name], 'Input should be a valid boolean, unable to interpret input', raw)
  }

  sourceType(raw: string | null): SourceType | undefined {
    if (raw === null) return undefined
    if ((SOURCE_TYPES as readonly string[]).includes(raw)) return raw as SourceType
    const expected = enumText(SOURCE_TYPES)
    return this.add('enum', ['query', 'source_type'], `Input should be ${expected}`, raw, {expected})
  }

  /** skip (>= 0, default 0) and limit (1..100, default 100). */
  paging(query: URLSearchParams): {skip: number; limit: number} | undefined {
    const skip = this.int('query', 'skip', last(query, 'skip'), {ge: 0, default: 0})
    const limit = this.int('query', 'limit', last(query, 'limit'), {ge: 1, le: 100, default: 100})
    return skip === undefined || limit === undefined ? undefined : {skip, limit}
  }
}

/** FastAPI takes the last of repeated query parameters. */
export function last(query: URLSearchParams, name: string): string | null {
  return query.getAll(name).at(-1) ?? null
}

type BodyField = 'string' | 'int' | 'string[]' | 'object' | {enum: readonly string[]}

/**
 * Checks a JSON body against a flat pydantic model: `required` fields must be present and not null,
 * the others may be null. `raw` undefined means no body; `parsed` is the parsed JSON or a parse error.
 */
export function checkBody(
  issues: Issues,
  parsed: {ok: true; value: unknown} | {ok: false; error: string; position: number} | undefined,
  fields: Record<string, BodyField>,
  required: string[],
): Record<string, unknown> | undefined {
  if (parsed === undefined) return issues.add('missing', ['body'], 'Field required', null)
  if (!parsed.ok) return issues.add('json_invalid', ['body', parsed.position], 'JSON decode error', {}, {error: parsed.error})
  const body = parsed.value
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return issues.add('model_attributes_type', ['body'], 'Input should be a valid dictionary or object to extract fields from', body)
  }
  const obj = body as Record<string, unknown>
  const before = issues.list.length
  for (const [name, type] of Object.entries(fields)) {
    const loc = ['body', name]
    const v = obj[name]
    if (v === undefined || (v === null && required.includes(name))) {
      if (required.includes(name))
        issues.add(v === null ? typeCode(type) : 'missing', loc, v === null ? typeMsg(type) : 'Field required', v === null ? null : obj)
      continue
    }
    if (v === null) continue
    if (type === 'string' && typeof v !== 'string') issues.add('string_type', loc, 'Input should be a valid string', v)
    else if (type === 'int' && !(typeof v === 'number' && Number.isInteger(v)))
      issues.add('int_type', loc, 'Input should be a valid integer', v)
    else if (type === 'object' && (typeof v !== 'object' || Array.isArray(v)))
      issues.add('dict_type', loc, 'Input should be a valid dictionary', v)
    else if (type === 'string[]') {
      if (!Array.isArray(v)) issues.add('list_type', loc, 'Input should be a valid list', v)
      else
        v.forEach((item, i) => typeof item !== 'string' && issues.add('string_type', [...loc, i], 'Input should be a valid string', item))
    } else if (typeof type === 'object' && !type.enum.includes(v as string)) {
      const expected = enumText(type.enum)
      issues.add('enum', loc, `Input should be ${expected}`, v, {expected})
    }
  }
  return issues.list.length === before ? obj : undefined
}

function typeCode(type: BodyField): string {
  return type === 'string'
    ? 'string_type'
    : type === 'int'
      ? 'int_type'
      : type === 'object'
        ? 'dict_type'
        : type === 'string[]'
          ? 'list_type'
          : 'enum'
}
function typeMsg(type: BodyField): string {
  return type === 'string'
    ? 'Input should be a valid string'
    : type === 'int'
      ? 'Input should be a valid integer'
      : type === 'object'
        ? 'Input should be a valid dictionary'
        : type === 'string[]'
          ? 'Input should be a valid list'
          : 'Input should be one of the allowed values'
}

/** Parses a request body as FastAPI would; undefined for an empty body. */
export function parseJsonBody(raw: string): {ok: true; value: unknown} | {ok: false; error: string; position: number} | undefined {
  if (raw === '') return undefined
  try {
    return {ok: true, value: JSON.parse(raw)}
  } catch (e) {
    // Python's decoder names the offending character offset; "Unexpected end" means the end of the text.
    const m = /position (\d+)/.exec(String(e))
    return {ok: false, error: 'Expecting value', position: m ? Number(m[1]) : raw.length}
  }
}
