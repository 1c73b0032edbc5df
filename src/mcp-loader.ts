// The MCP server (src/mcp, with the SDK) is an ES module bundle of its own (dist/mcp), loaded only by
// `mcp serve`. The CLI bundle runs from V8's code cache, where Node 20 gives `import()` no loader, so
// bin/run.js hands us one; under tsx (tests, bin/dev.js) plain `import()` works.
import type * as Http from './mcp/http.js'
import type * as Server from './mcp/server.js'
import type * as StdioGuard from './mcp/stdio-guard.js'

type Importer = (url: string) => Promise<unknown>
const IMPORTER = Symbol.for('codegenapi.import')

export function importModule<T>(relative: string): Promise<T> {
  const importer = (globalThis as {[IMPORTER]?: Importer})[IMPORTER] ?? ((url: string) => import(url))
  // Relative to this module in src/ and to dist/cli.cjs alike.
  return importer(new URL(relative, import.meta.url).href) as Promise<T>
}

export const loadMcpServer = () => importModule<typeof Server>('./mcp/server.js')
// The guard must be the very module instance the server's transport writes through.
export const loadStdioGuard = () => importModule<typeof StdioGuard>('./mcp/stdio-guard.js')
export const loadMcpHttp = () => importModule<typeof Http>('./mcp/http.js')
