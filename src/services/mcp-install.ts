import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {CodegenError, usageError} from '../api/errors.js'
import {ConfigService} from './config.js'
import {writeFileAtomic} from './files.js'

export const MCP_CLIENTS = ['claude-desktop', 'claude-code', 'cursor', 'vscode'] as const
export type McpClient = (typeof MCP_CLIENTS)[number]

interface ClientSpec {
  label: string
  /** Where the client keeps its MCP servers, for this platform. */
  file: (home: string, env: NodeJS.ProcessEnv) => string
  /** The key under which servers are listed. */
  key: 'mcpServers' | 'servers'
  withType: boolean
  restart: string
}

const appData = (home: string, env: NodeJS.ProcessEnv) => env.APPDATA ?? path.join(home, 'AppData', 'Roaming')
const macSupport = (home: string) => path.join(home, 'Library', 'Application Support')
const xdgConfig = (home: string, env: NodeJS.ProcessEnv) => env.XDG_CONFIG_HOME ?? path.join(home, '.config')

// Data, not code: one row a client.
const CLIENTS: Record<McpClient, ClientSpec> = {
  'claude-desktop': {
    label: 'Claude Desktop',
    file: (home, env) =>
      process.platform === 'darwin'
        ? path.join(macSupport(home), 'Claude', 'claude_desktop_config.json')
        : process.platform === 'win32'
          ? path.join(appData(home, env), 'Claude', 'claude_desktop_config.json')
          : path.join(xdgConfig(home, env), 'Claude', 'claude_desktop_config.json'),
    key: 'mcpServers',
    withType: false,
    restart: 'Restart Claude Desktop to load it.',
  },
  'claude-code': {
    label: 'Claude Code',
    file: (home) => path.join(home, '.claude.json'),
    key: 'mcpServers',
    withType: true,
    restart: 'Start a new Claude Code session; `/mcp` lists it.',
  },
  cursor: {
    label: 'Cursor',
    file: (home) => path.join(home, '.cursor', 'mcp.json'),
    key: 'mcpServers',
    withType: false,
    restart: 'Cursor picks it up in Settings > MCP.',
  },
  vscode: {
    label: 'VS Code',
    file: (home, env) =>
      process.platform === 'darwin'
        ? path.join(macSupport(home), 'Code', 'User', 'mcp.json')
        : process.platform === 'win32'
          ? path.join(appData(home, env), 'Code', 'User', 'mcp.json')
          : path.join(xdgConfig(home, env), 'Code', 'User', 'mcp.json'),
    key: 'servers',
    withType: true,
    restart: 'Run "MCP: List Servers" in VS Code to start it.',
  },
}

/** What `--env` may bake into the entry. */
export const BAKEABLE = ['CODEGEN_ORG_ID', 'CODEGEN_API_BASE_URL'] as const

export interface InstallRequest {
  client: string
  name?: string
  withToken?: boolean
  /** Values baked into the entry's `env` (see BAKEABLE); by default none: the server reads the user config. */
  env?: string[]
  dryRun?: boolean
  /** Path of this CLI's bin/run.js, used when `codegenapi` is not on PATH. */
  binPath: string
  file?: string
}

export interface InstallResult {
  client: McpClient
  file: string
  name: string
  entry: Record<string, unknown>
  /** The names in the entry's `env`, so that the success message can say what was written. */
  env: string[]
  written: boolean
  backup: string | null
  next: string
}

/** The server entry: `codegenapi mcp serve` when on PATH, else node + this checkout's absolute path. */
export function serverEntry(
  binPath: string,
  env: Record<string, string>,
  withType: boolean,
  pathEnv = process.env.PATH ?? '',
): Record<string, unknown> {
  const onPath = pathEnv
    .split(path.delimiter)
    .some((dir) => dir && ['codegenapi', 'codegenapi.cmd'].some((f) => fs.existsSync(path.join(dir, f))))
  const [command, args] = onPath
    ? process.platform === 'win32'
      ? ['cmd', ['/c', 'codegenapi', 'mcp', 'serve']]
      : ['codegenapi', ['mcp', 'serve']]
    : [process.execPath, [path.resolve(binPath), 'mcp', 'serve']]
  return {...(withType ? {type: 'stdio'} : {}), command, args, ...(Object.keys(env).length ? {env} : {})}
}

export async function installMcpServer(req: InstallRequest, processEnv: NodeJS.ProcessEnv, cwd: string): Promise<InstallResult> {
  if (!(MCP_CLIENTS as readonly string[]).includes(req.client)) {
    throw usageError(`Unknown client ${JSON.stringify(req.client)}.`, `Use one of: ${MCP_CLIENTS.join(', ')}.`)
  }
  const client = req.client as McpClient
  const spec = CLIENTS[client]
  const home = processEnv.HOME ?? os.homedir()
  const file = req.file ?? spec.file(home, processEnv)
  const name = req.name ?? 'codegenapi'

  const unknown = (req.env ?? []).filter((k) => !(BAKEABLE as readonly string[]).includes(k))
  if (unknown.length)
    throw usageError(`--env takes ${BAKEABLE.join(' or ')}, not ${unknown.join(', ')}.`, 'The token is written only with --with-token.')

  // Nothing from this shell is baked in unless asked: a temporary value (a test server's base URL, a
  // scratch org) would stay in the assistant's config for good, and beat the user file from then on.
  const config = await new ConfigService(processEnv, cwd).resolve()
  const env: Record<string, string> = {}
  for (const key of new Set(req.env ?? [])) {
    if (key === 'CODEGEN_ORG_ID') {
      if (config.orgId === undefined)
        throw usageError('--env CODEGEN_ORG_ID: no organization id is configured.', 'Run `codegenapi login` first.')
      env.CODEGEN_ORG_ID = String(config.orgId)
    } else {
      env.CODEGEN_API_BASE_URL = config.baseUrl
    }
  }
  if (req.withToken) {
    if (!config.token) throw new CodegenError('auth', 'No API token is configured to write.', {hint: 'Run `codegenapi login` first.'})
    env.CODEGEN_API_TOKEN = config.token
  }
  const entry = serverEntry(req.binPath, env, spec.withType, processEnv.PATH)

  let existing: Record<string, unknown> = {}
  let text: string | undefined
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new CodegenError('config', `Cannot read ${file} (${(error as NodeJS.ErrnoException).code}).`)
  }
  if (text !== undefined && text.trim()) {
    try {
      existing = JSON.parse(text) as Record<string, unknown>
    } catch {
      throw new CodegenError('config', `${file} is not plain JSON (comments?), so it was not changed.`, {
        hint: `Add this under "${spec.key}" by hand: "${name}": ${JSON.stringify(redact(entry))}`,
      })
    }
    if (typeof existing !== 'object' || existing === null || Array.isArray(existing))
      throw new CodegenError('config', `${file} does not hold a JSON object; it was not changed.`)
  }
  const servers = (existing[spec.key] && typeof existing[spec.key] === 'object' ? existing[spec.key] : {}) as Record<string, unknown>
  const merged = {...existing, [spec.key]: {...servers, [name]: entry}}
  const result = {
    client,
    file,
    name,
    entry: redact(entry),
    env: Object.keys(env),
    written: false,
    backup: null as string | null,
    next: spec.restart,
  }
  if (req.dryRun) return result

  if (text !== undefined) {
    result.backup = `${file}.bak-${new Date().toISOString().replace(/[:.]/g, '-')}`
    fs.copyFileSync(file, result.backup)
  }
  await writeFileAtomic(file, JSON.stringify(merged, null, 2) + '\n')
  result.written = true
  return result
}

/** What we print or return: the token masked, even when it was written. */
function redact(entry: Record<string, unknown>): Record<string, unknown> {
  const env = entry.env as Record<string, string> | undefined
  if (!env?.CODEGEN_API_TOKEN) return entry
  return {...entry, env: {...env, CODEGEN_API_TOKEN: `****${env.CODEGEN_API_TOKEN.slice(-4)}`}}
}
