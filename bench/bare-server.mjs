// The baseline for the MCP start-up row: a bare SDK server with N trivial tools, spawned the same way.
import {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js'
import {StdioServerTransport} from '@modelcontextprotocol/sdk/server/stdio.js'
import {z} from 'zod'

const count = Number(process.argv[2] ?? 14)
const server = new McpServer({name: 'bare', version: '0.0.0'})
for (let i = 0; i < count; i++) {
  server.registerTool(
    `tool_${i}`,
    {description: `Trivial tool ${i}.`, inputSchema: {id: z.number().int().min(1).max(1e9)}},
    async ({id}) => ({
      content: [{type: 'text', text: String(id)}],
    }),
  )
}
await server.connect(new StdioServerTransport())
process.stdin.on('close', () => process.exit(0))
