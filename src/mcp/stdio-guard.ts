// On stdio, stdout carries JSON-RPC and nothing else. Called first thing by `mcp serve`: from then on
// console.log/info/debug and any direct process.stdout.write (ours or a dependency's) go to stderr;
// only the MCP transport writes to the real stdout, through `protocolOutput()`.

type Write = typeof process.stdout.write

let realWrite: Write | undefined

export function installStdioGuard(): void {
  if (realWrite) return
  realWrite = process.stdout.write.bind(process.stdout)
  const toStderr: Write = process.stderr.write.bind(process.stderr)
  process.stdout.write = toStderr
  const err = (...args: unknown[]) => console.error(...args)
  console.log = err
  console.info = err
  console.debug = err
  console.trace = (...args: unknown[]) => process.stderr.write(`Trace: ${args.map(String).join(' ')}\n${new Error().stack ?? ''}\n`)
  // A client that goes away closes the pipe: writing then must not crash the process.
  process.stdout.on('error', () => undefined)
}

/** What the stdio transport writes to: the real stdout (write + 'drain'), whatever was patched. */
export function protocolOutput(): NodeJS.WritableStream {
  const write: Write = realWrite ?? process.stdout.write.bind(process.stdout)
  return new Proxy(process.stdout, {
    get(target, prop, receiver) {
      if (prop === 'write') return write
      const value: unknown = Reflect.get(target, prop, receiver)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}
