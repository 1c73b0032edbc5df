// What comes in before the SDK sees it: every malformed message gets a JSON-RPC error response, never
// silence (the SDK's transports drop what they cannot parse), and a request whose params do not fit
// its method gets -32602 with a short message instead of the SDK's -32603 and a raw Zod dump.
import {ClientRequestSchema, JSONRPCMessageSchema, type JSONRPCMessage} from '@modelcontextprotocol/sdk/types.js'
import {describeIssues, type Issue} from './results.js'

export const PARSE_ERROR = -32700
export const INVALID_REQUEST = -32600
export const METHOD_NOT_FOUND = -32601
export const INVALID_PARAMS = -32602

export interface JsonRpcErrorResponse {
  jsonrpc: '2.0'
  id: string | number | null
  error: {code: number; message: string}
}

export const errorResponse = (id: string | number | null, code: number, message: string): JsonRpcErrorResponse => ({
  jsonrpc: '2.0',
  id,
  error: {code, message},
})

const idOf = (raw: unknown): string | number | null => {
  const id = (raw as {id?: unknown} | null)?.id
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null
}

/** One message as received (already JSON-parsed): the message, or the error response to send instead. */
export function checkMessage(raw: unknown): {message: JSONRPCMessage} | {error: JsonRpcErrorResponse} {
  if (Array.isArray(raw))
    return {
      error: errorResponse(
        null,
        INVALID_REQUEST,
        'Invalid Request: JSON-RPC batches are not supported (MCP 2025-06-18 removed them); send one message at a time.',
      ),
    }
  if (raw === null || typeof raw !== 'object')
    return {error: errorResponse(null, INVALID_REQUEST, 'Invalid Request: a message must be a JSON object.')}
  if ((raw as {jsonrpc?: unknown}).jsonrpc !== '2.0')
    return {error: errorResponse(idOf(raw), INVALID_REQUEST, 'Invalid Request: "jsonrpc" must be "2.0".')}
  const parsed = JSONRPCMessageSchema.safeParse(raw)
  if (!parsed.success) {
    return {error: errorResponse(idOf(raw), INVALID_REQUEST, `Invalid Request: ${describeIssues(parsed.error)}.`)}
  }
  return {message: parsed.data}
}

/** A line of text as received on stdio. */
export function parseLine(line: string): {message: JSONRPCMessage} | {error: JsonRpcErrorResponse} {
  let raw: unknown
  try {
    raw = JSON.parse(line)
  } catch (error) {
    return {error: errorResponse(null, PARSE_ERROR, `Parse error: not valid JSON (${(error as Error).message}).`)}
  }
  return checkMessage(raw)
}

type Schema = {safeParse(v: unknown): {success: true} | {success: false; error: {issues: Issue[]}}}

const REQUEST_SCHEMAS = new Map<string, Schema>(
  (ClientRequestSchema.options as unknown as {shape: {method: {value: string}}}[]).map((s) => [
    s.shape.method.value,
    s as unknown as Schema,
  ]),
)

/**
 * A request whose params do not fit its method: the -32602 response to send instead of handling it.
 * Methods the SDK does not know are left to it (it answers -32601).
 */
export function checkParams(message: JSONRPCMessage): JsonRpcErrorResponse | undefined {
  if (!('method' in message) || !('id' in message)) return undefined
  const schema = REQUEST_SCHEMAS.get(message.method)
  if (!schema) return undefined
  const parsed = schema.safeParse(message)
  if (parsed.success) return undefined
  return errorResponse(message.id, INVALID_PARAMS, `Invalid params for ${message.method}: ${describeIssues(parsed.error, ['params'])}.`)
}
