// Validates bodies against the OpenAPI contract in contract/codegen-openapi.json (OpenAPI 3.1, so the
// schemas are JSON Schema 2020-12 and ajv's 2020 build compiles them as they are). Test-side only: the
// sandbox (src/sandbox) ships without ajv and the spec; the tests hand it this check (./server.ts).
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import Ajv2020Module, {type ErrorObject, type ValidateFunction} from 'ajv/dist/2020.js'
import {matchTemplates as matchPaths} from '../../src/sandbox/paths.js'

const Ajv2020 = Ajv2020Module.default

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const SPEC_PATH = path.resolve(PROJECT_ROOT, 'contract/codegen-openapi.json')
const SPEC_ID = 'https://codegen.test/codegen-openapi.json'

type Json = Record<string, any>

export interface OperationMatch {
  /** Upper-case HTTP method. */
  method: string
  /** The spec's path template, e.g. `/v1/organizations/{org_id}/agent/run/{agent_run_id}`. */
  template: string
  /** Path parameters taken from the concrete path, still strings. */
  params: Record<string, string>
  operation: Json
}

interface Contract {
  spec: Json
  ajv: InstanceType<typeof Ajv2020>
  templates: string[]
  validators: Map<string, ValidateFunction>
}

let contract: Contract | undefined

function load(): Contract {
  if (contract) return contract
  const spec = JSON.parse(fs.readFileSync(SPEC_PATH, 'utf8')) as Json
  const ajv = new Ajv2020({strict: false, allErrors: true, validateFormats: false})
  ajv.addSchema(spec, SPEC_ID)
  const templates = Object.keys(spec.paths ?? {})
  contract = {spec, ajv, templates, validators: new Map()}
  return contract
}

export function loadSpec(): Json {
  return load().spec
}

/** Spec path templates that match a concrete path, best first (the sandbox's matcher, over the spec's templates). */
export function matchTemplates(
  concretePath: string,
  templates: string[] = load().templates,
): {template: string; params: Record<string, string>}[] {
  return matchPaths(concretePath, templates)
}

/** The operation a request goes to, or undefined when no path template with that method matches. */
export function findOperation(method: string, concretePath: string): OperationMatch | undefined {
  const {spec} = load()
  const m = method.toLowerCase()
  for (const {template, params} of matchTemplates(concretePath)) {
    const operation = spec.paths[template]?.[m]
    if (operation) return {method: m.toUpperCase(), template, params, operation}
  }
  return undefined
}

/** Errors of `value` against a schema of the spec, named by its JSON pointer inside the spec. */
export function validateAt(pointer: string, value: unknown): string[] {
  const c = load()
  let validate = c.validators.get(pointer)
  if (!validate) {
    validate = c.ajv.compile({$ref: `${SPEC_ID}#${pointer}`})
    c.validators.set(pointer, validate)
  }
  return validate(value) ? [] : formatErrors(validate.errors ?? [])
}

/** Errors of `value` against `components.schemas[name]`, e.g. `validateSchema('AgentRunResponse', run)`. */
export function validateSchema(name: string, value: unknown): string[] {
  if (!load().spec.components?.schemas?.[name]) return [`no schema ${name} in the contract`]
  return validateAt(`/components/schemas/${escapePointer(name)}`, value)
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1')
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'type') return String((e.params as {type: string}).type)
  if (e.keyword === 'enum') return `one of ${JSON.stringify((e.params as {allowedValues: unknown[]}).allowedValues)}`
  return e.message ?? e.keyword
}

/**
 * One line per problem. A failed `anyOf` (how the spec writes nullable fields) becomes "must be integer or null"
 * instead of one line per branch, or disappears behind the errors deeper inside the value when there are some.
 */
function formatErrors(errors: ErrorObject[]): string[] {
  const items = errors.map((e) => ({e, dropped: false, text: ''}))
  const anyOfs = items.filter((i) => i.e.keyword === 'anyOf').sort((a, b) => b.e.schemaPath.length - a.e.schemaPath.length)
  for (const a of anyOfs) {
    const branches = items.filter(
      (i) => i !== a && !i.dropped && i.e.instancePath === a.e.instancePath && i.e.schemaPath.startsWith(`${a.e.schemaPath}/`),
    )
    for (const b of branches) b.dropped = true
    const deeper = items.some((i) => !i.dropped && i.e.instancePath.startsWith(`${a.e.instancePath}/`))
    if (deeper || !branches.length) a.dropped = deeper
    else a.text = `must be ${branches.map((b) => b.text || describe(b.e)).join(' or ')}`
  }
  const out = items
    .filter((i) => !i.dropped)
    .map(({e, text}) => {
      const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as {additionalProperty: string}).additionalProperty})` : ''
      return `${e.instancePath || '(root)'} ${text || (e.keyword === 'enum' ? `must be ${describe(e)}` : (e.message ?? e.keyword))}${extra}`
    })
  return [...new Set(out)]
}

function schemaPointer(match: OperationMatch, ...rest: string[]): string {
  return ['', 'paths', match.template, match.method.toLowerCase(), ...rest].map(escapePointer).join('/')
}

function pickResponse(responses: Json, status: number): string | undefined {
  const key = String(status)
  if (responses[key]) return key
  const range = `${key[0]}XX`
  if (responses[range]) return range
  return responses.default ? 'default' : undefined
}

/** Bodies for statuses the spec does not declare (401, 500, 502...): FastAPI's `detail` or the API's `message`. */
function validateGenericError(body: unknown): string[] {
  if (body === undefined || body === '') return []
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['(root) must be a JSON object with "message" or "detail"']
  const b = body as Json
  if (typeof b.message === 'string') return []
  if (typeof b.detail === 'string' || Array.isArray(b.detail)) return []
  return ['(root) must have a string "message" or a "detail" (string or list)']
}

/**
 * Errors in a response body (empty = valid). `body` is the parsed JSON (undefined for no body).
 * Statuses the operation does not declare are checked only as an error object when there is a body.
 */
export function validateResponse(method: string, concretePath: string, status: number, body: unknown): string[] {
  const match = findOperation(method, concretePath)
  const label = `${method.toUpperCase()} ${concretePath.split('?')[0]} → ${status}`
  if (!match) return [`${label}: no operation for this method and path in the contract`]
  const key = pickResponse(match.operation.responses ?? {}, status)
  if (!key) return validateGenericError(body).map((e) => `${label} (undeclared status): ${e}`)
  const content = match.operation.responses[key].content as Json | undefined
  const json = content?.['application/json']
  if (!json?.schema) return []
  if (body === undefined) return [`${label}: body is missing`]
  const name = typeof json.schema.$ref === 'string' ? json.schema.$ref.split('/').at(-1) : match.template
  return validateAt(schemaPointer(match, 'responses', key, 'content', 'application/json', 'schema'), body).map(
    (e) => `${label} (${name}): ${e}`,
  )
}

/** Errors in a request body (empty = valid); `body` undefined means none was sent. */
export function validateRequestBody(method: string, concretePath: string, body: unknown): string[] {
  const match = findOperation(method, concretePath)
  const label = `${method.toUpperCase()} ${concretePath.split('?')[0]} request body`
  if (!match) return [`${label}: no operation for this method and path in the contract`]
  const requestBody = match.operation.requestBody as Json | undefined
  if (!requestBody) return body === undefined ? [] : [`${label}: the operation takes no body`]
  if (body === undefined) return requestBody.required ? [`${label}: is required`] : []
  const json = requestBody.content?.['application/json']
  if (!json?.schema) return [`${label}: the operation takes no JSON body`]
  const name = typeof json.schema.$ref === 'string' ? json.schema.$ref.split('/').at(-1) : match.template
  return validateAt(schemaPointer(match, 'requestBody', 'content', 'application/json', 'schema'), body).map(
    (e) => `${label} (${name}): ${e}`,
  )
}
