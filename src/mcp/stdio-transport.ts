// MCP over stdio: one JSON-RPC message per line. Unlike the SDK's StdioServerTransport, a line that is
// not JSON, a batch or a non-2.0 message is answered with a JSON-RPC error instead of being dropped, a
// line has a size limit, and the end of stdin closes the transport.
import type {Transport} from '@modelcontextprotocol/sdk/shared/transport.js'
import type {JSONRPCMessage} from '@modelcontextprotocol/sdk/types.js'
import {errorResponse, INVALID_REQUEST, parseLine} from './jsonrpc.js'

const NEWLINE = 0x0a

export class LineTransport implements Transport {
  onclose?: () => void
  onerror?: (error: Error) => void
  onmessage?: (message: JSONRPCMessage) => void

  private pending: Buffer[] = []
  private pendingBytes = 0
  /** Inside a line that was too long: skip to its end. */
  private skipping = false
  private closed = false

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WritableStream,
    private readonly maxLineBytes: number,
  ) {}

  start(): Promise<void> {
    this.input.on('data', this.onData)
    this.input.on('error', this.onInputError)
    this.input.once('end', this.onEnd)
    this.input.once('close', this.onEnd)
    return Promise.resolve()
  }

  send(message: JSONRPCMessage | object): Promise<void> {
    if (this.closed) return Promise.resolve()
    return new Promise((resolve) => {
      if (this.output.write(JSON.stringify(message) + '\n')) resolve()
      else this.output.once('drain', resolve)
    })
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.closed = true
    this.input.off('data', this.onData)
    this.input.off('error', this.onInputError)
    this.input.off('end', this.onEnd)
    this.input.off('close', this.onEnd)
    this.pending = []
    this.onclose?.()
    return Promise.resolve()
  }

  private readonly onEnd = () => void this.close()
  private readonly onInputError = (error: Error) => this.onerror?.(error)

  private readonly onData = (chunk: Buffer | string) => {
    let data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
    while (data.length > 0 && !this.closed) {
      const nl = data.indexOf(NEWLINE)
      if (nl < 0) {
        this.keep(data)
        return
      }
      this.keep(data.subarray(0, nl))
      data = data.subarray(nl + 1)
      const skipped = this.skipping
      const line = Buffer.concat(this.pending, this.pendingBytes).toString('utf8').replace(/\r$/, '')
      this.pending = []
      this.pendingBytes = 0
      this.skipping = false
      if (skipped) continue
      if (line.trim() === '') continue
      const parsed = parseLine(line)
      if ('error' in parsed) {
        this.onerror?.(new Error(parsed.error.error.message))
        void this.send(parsed.error)
      } else this.onmessage?.(parsed.message)
    }
  }

  private keep(part: Buffer): void {
    if (this.skipping || part.length === 0) return
    if (this.pendingBytes + part.length > this.maxLineBytes) {
      this.pending = []
      this.pendingBytes = 0
      this.skipping = true
      void this.send(
        errorResponse(
          null,
          INVALID_REQUEST,
          `Invalid Request: a message is limited to ${Math.round(this.maxLineBytes / 1024 / 1024)} MiB.`,
        ),
      )
      return
    }
    this.pending.push(part)
    this.pendingBytes += part.length
  }
}
