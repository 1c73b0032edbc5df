import {expect} from 'chai'
import {spawn, type ChildProcess} from 'node:child_process'
import {createMCPClient} from '@ai-sdk/mcp'
import {Experimental_StdioMCPTransport} from '@ai-sdk/mcp/mcp-stdio'
import {MultiServerMCPClient} from '@langchain/mcp-adapters'
import {convertToOpenAITool} from '@langchain/core/utils/function_calling'
import {allOutputs, BIN} from '../helpers/cli.js'
import {useFakeApi} from '../helpers/fake.js'

// MCP clients nobody here wrote, as an application would use them: the Vercel AI SDK's MCP client
// (@ai-sdk/mcp 1.x; 2.x needs Node 22) and LangChain's adapters (@langchain/mcp-adapters), over
// stdio and Streamable HTTP. Neither can make task calls: codegenapi_run must work as a plain call.

const WANTED = ['codegenapi_get_current_user', 'codegenapi_new', 'codegenapi_run', 'codegenapi_list_repos']

interface Server {
  proc: ChildProcess
  url: string
  stop(): Promise<void>
}

async function startHttp(env: NodeJS.ProcessEnv): Promise<Server> {
  const proc = spawn(process.execPath, [BIN, 'mcp', 'serve', '--http', '--port', '0'], {
    env,
    cwd: env.HOME,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  const exited = new Promise<void>((resolve) => proc.once('close', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      const m = /listening on (http:\/\/\S+)/.exec(stderr)
      if (m) resolve(m[1])
    })
    void exited.then(() => reject(new Error(`mcp serve --http exited: ${stderr}`)))
  })
  return {
    proc,
    url,
    async stop() {
      proc.kill('SIGTERM')
      await exited
      allOutputs.push({args: ['mcp', 'serve', '--http'], text: stderr})
    },
  }
}

const stdioCommand = (env: NodeJS.ProcessEnv) => ({
  command: process.execPath,
  args: [BIN, 'mcp', 'serve'],
  env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
})

/**
 * The AI SDK's stdio transport does not wait for the server to exit on close: wait here, so that the
 * server's last state write is done before the test's home directory goes.
 */
/**
 * Closes the AI SDK client and waits for its stdio server to exit: the transport forgets its child as
 * close() begins, so the child is taken first (else a slow exit looks like a leaked process).
 */
async function closeAndWait(client: {close(): Promise<void>}, transport: unknown): Promise<void> {
  const proc = (transport as {process?: ChildProcess}).process
  const exited =
    proc && proc.exitCode === null && proc.signalCode === null ? new Promise((resolve) => proc.once('exit', resolve)) : undefined
  await client.close()
  await exited
}

/** The create requests whose prompt includes this text. */
function createdWith(api: ReturnType<typeof useFakeApi>, query: string): unknown[] {
  return api.fake().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/agent/run') && String(r.body?.prompt).includes(query))
}

for (const transport of ['stdio', 'http'] as const) {
  describe(`third-party MCP clients over ${transport}`, function () {
    this.timeout(60_000)
    // Before useFakeApi's own hook, which removes the home directory the server writes to.
    let server: Server | undefined
    afterEach(async () => {
      await server?.stop()
      server = undefined
    })
    // Runs finish after half a second, so that a plain codegenapi_run call sees the end.
    const api = useFakeApi({runDurationMs: 500})
    const env = () => api.env({CODEGENAPI_MONITOR_INTERVAL_MS: '100'})

    it('Vercel AI SDK (@ai-sdk/mcp): lists the tools as AI SDK tools and calls get_current_user, new and run', async () => {
      let config: Parameters<typeof createMCPClient>[0]['transport']
      if (transport === 'http') {
        server = await startHttp(env())
        config = {type: 'http', url: server.url}
      } else config = new Experimental_StdioMCPTransport({...stdioCommand(env()), cwd: env().HOME, stderr: 'ignore'})
      const client = await createMCPClient({transport: config})
      try {
        const tools = await client.tools()
        expect(Object.keys(tools)).to.include.members(WANTED)
        // The AI SDK's tool format: a description, a JSON schema for the input, and execute.
        for (const name of WANTED) {
          expect(tools[name].description, name).to.be.a('string')
          expect((tools[name].inputSchema as {jsonSchema: {type: string}}).jsonSchema.type, name).to.equal('object')
          expect(tools[name].execute, name).to.be.a('function')
        }
        const options = {toolCallId: 'call-1', messages: []}
        const me = (await tools.codegenapi_get_current_user.execute({}, options)) as {structuredContent: {id: number}; isError?: boolean}
        expect(me.isError).to.not.equal(true)
        expect(me.structuredContent.id).to.equal(api.fake().userId)

        const started = (await tools.codegenapi_new.execute({query: 'ai sdk new', repo_id: 3001}, options)) as any
        expect(started.isError, JSON.stringify(started.content)).to.not.equal(true)
        expect(started.structuredContent).to.include({status: 'ACTIVE', watching: true})
        expect(createdWith(api, 'ai sdk new')).to.have.length(1)

        const ran = (await tools.codegenapi_run.execute({query: 'ai sdk run', repo_id: 3001}, options)) as any
        expect(ran.isError, JSON.stringify(ran.content)).to.not.equal(true)
        expect(ran.structuredContent).to.include({status: 'COMPLETE', finished: true})
        expect(createdWith(api, 'ai sdk run')).to.have.length(1)
      } finally {
        await closeAndWait(client, config)
      }
    })

    it('LangChain (@langchain/mcp-adapters): lists the tools as LangChain tools (and OpenAI tool specs) and calls get_current_user, new and run', async () => {
      if (transport === 'http') server = await startHttp(env())
      const connection =
        transport === 'http'
          ? {transport: 'http' as const, url: server!.url}
          : {transport: 'stdio' as const, ...stdioCommand(env()), cwd: env().HOME, stderr: 'ignore' as const}
      const client = new MultiServerMCPClient({mcpServers: {codegenapi: connection}, useStandardContentBlocks: true})
      try {
        const tools = await client.getTools()
        const byName = Object.fromEntries(tools.map((t) => [t.name, t]))
        expect(Object.keys(byName)).to.include.members(WANTED)
        // What a chat model gets: OpenAI-style function specs.
        for (const name of WANTED) {
          const spec = convertToOpenAITool(byName[name])
          expect(spec.function.name).to.equal(name)
          expect((spec.function.parameters as {type: string}).type).to.equal('object')
        }
        const text = (out: unknown) => JSON.stringify(out)
        const me = await byName.codegenapi_get_current_user.invoke({})
        expect(text(me)).to.include(`"id\\":${api.fake().userId}`)

        const started = await byName.codegenapi_new.invoke({query: 'langchain new', repo_id: 3001})
        expect(text(started)).to.include('\\"status\\":\\"ACTIVE\\"')
        expect(createdWith(api, 'langchain new')).to.have.length(1)

        const ran = await byName.codegenapi_run.invoke({query: 'langchain run', repo_id: 3001})
        expect(text(ran)).to.include('\\"status\\":\\"COMPLETE\\"')
        expect(createdWith(api, 'langchain run')).to.have.length(1)
      } finally {
        await client.close()
      }
    })
  })
}
