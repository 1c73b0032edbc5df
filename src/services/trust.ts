import {isIPv6} from 'node:net'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {usageError} from '../api/errors.js'

// Where the API token may go, decided in one place: which configuration source may set which key,
// which hosts count as this machine, and how far the search for a project file reaches. A project
// file is written by whoever wrote the repository (or the shared folder) it sits in, not by the user.

export const DEFAULT_BASE_URL = 'https://api.codegen.com'

export type TrustKey = 'api-token' | 'org-id' | 'base-url'
export type TrustSource = 'flag' | 'env' | 'project' | 'user' | 'default'
/** Who asks to change the user config file: the person at the terminal, or a model through MCP. */
export type Writer = 'cli' | 'mcp'

// --- hosts ---------------------------------------------------------------------------------------

/** The names of this machine's loopback interface as they appear in URLs and Host headers. */
export const LOOPBACK_URL_HOSTS = ['127.0.0.1', 'localhost', '[::1]'] as const

/**
 * Whether a host name or bind address is this machine's loopback interface: localhost, 127.0.0.0/8,
 * ::1, in any IPv6 spelling, and the IPv4-mapped forms of 127.0.0.0/8 (`::ffff:127.0.0.1` is
 * `::ffff:7f00:1`); `::ffff:10.0.0.1` is 10.0.0.1, not loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[(.*)\]$/, '$1')
  if (h === 'localhost') return true
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h)
  if (octets) return octets.slice(1).every((o) => Number(o) <= 255)
  if (!isIPv6(h)) return false
  const canonical = new URL(`http://[${h}]/`).hostname
  if (canonical === '[::1]') return true
  const mapped = /^\[::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}\]$/.exec(canonical)
  return mapped !== null && parseInt(mapped[1], 16) >> 8 === 127
}

// --- who may set what ----------------------------------------------------------------------------

/**
 * Any source: plain http only to this machine, because the token travels in every request's
 * Authorization header and would cross the network in clear text.
 */
export function checkTransport(baseUrl: string): string {
  const url = new URL(baseUrl)
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw usageError(
      `base-url ${baseUrl} uses plain http: the API token would cross the network unencrypted.`,
      'Use https (plain http is accepted only for this machine: localhost, 127.0.0.1, [::1]).',
    )
  }
  return baseUrl
}

/**
 * Whether a value for `key` may be taken from `source`; the reason when not (shown as a warning and
 * the value ignored). `value` is already parsed (a normalised URL for base-url).
 */
export function refusal(key: TrustKey, source: TrustSource, value: string | number, where: string): string | undefined {
  if (source !== 'project') return undefined
  if (key === 'api-token') {
    return `Ignoring the API token in ${where}: tokens in project files end up in git. Use \`codegenapi config set api-token\` or CODEGEN_API_TOKEN.`
  }
  // Exactly the default, not a suffix or host match: a project file cannot change where the token goes.
  if (key === 'base-url' && value !== DEFAULT_BASE_URL) {
    return `Ignoring base-url ${String(value)} in ${where}: a project file cannot change where the API token is sent (only ${DEFAULT_BASE_URL} is accepted there). Use \`codegenapi config set base-url\`, CODEGEN_API_BASE_URL or --base-url.`
  }
  return undefined
}

/**
 * A model (or text injected into what it reads) must not redirect the token or remove it: through
 * MCP only org-id may change. The person at the terminal may change anything.
 */
export function assertMayWrite(writer: Writer, key: TrustKey, action: 'set' | 'unset'): void {
  if (writer === 'cli') return
  if (key === 'base-url') {
    throw usageError(
      'base-url cannot be changed through MCP: it decides where the API token is sent.',
      'Run `codegenapi config set base-url URL` in a terminal.',
    )
  }
  if (key === 'api-token') {
    throw usageError(
      `The API token cannot be ${action === 'set' ? 'set' : 'removed'} through MCP.`,
      action === 'set'
        ? 'Run `codegenapi login` or `codegenapi config set api-token` in a terminal.'
        : 'Run `codegenapi logout` in a terminal.',
    )
  }
}

// --- how far the project search reaches ----------------------------------------------------------

/**
 * The directories a project file is looked for in, nearest first: from `cwd` up to the root of the
 * git repository it is in, or `cwd` alone outside a repository. Never the file system's root or the
 * shared temporary directory, which any local user can write to.
 */
export function projectSearchDirs(cwd: string, opts: {tmpDir?: string} = {}): string[] {
  const start = path.resolve(cwd)
  const chain: string[] = []
  let gitRoot: string | undefined
  for (let dir = start; ;) {
    chain.push(dir)
    if (fs.existsSync(path.join(dir, '.git'))) {
      gitRoot = dir
      break
    }
    const parent = path.dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  const shared = new Set<string>()
  for (const d of [opts.tmpDir ?? os.tmpdir(), '/tmp', '/var/tmp']) {
    shared.add(path.resolve(d))
    try {
      shared.add(fs.realpathSync(d))
    } catch {
      // not there: nothing to exclude
    }
  }
  return (gitRoot ? chain : [start]).filter((d) => path.dirname(d) !== d && !shared.has(d))
}
