import {CodegenClient, type DebugLog, type RetryNotice} from '../api/client.js'
import {CodegenError} from '../api/errors.js'
import {RateLimiter} from '../api/rate-limiter.js'
import {userAgent} from '../version.js'
import {ConfigService, type ConfigOverrides, type ResolvedConfig} from './config.js'
import {checkEnvNumbers, envMs} from './duration.js'
import {SANDBOX, sandboxEnv} from '../sandbox/mode.js'

/** Everything a service call needs: resolved configuration and a client, created on first use. */
export interface ServiceContext {
  readonly config: ResolvedConfig
  readonly env: NodeJS.ProcessEnv
  readonly debug?: DebugLog
  client(): CodegenClient
  orgId(): number
}

// One limiter per process: the CLI, every MCP tool call and the run monitor share the API's budget.
// (An in-process test run brings its own, as a process of its own would have.) Clients are kept per limiter.
const sharedLimiter = new RateLimiter()
const clientsByLimiter = new WeakMap<RateLimiter, Map<string, CodegenClient>>()

// Hints point to the command that fixes it: `login` checks a token, then saves it with the organization.
export const TOKEN_HINT = 'Run `codegenapi login` (get a token at https://codegen.com/token), or export CODEGEN_API_TOKEN.'
export const ORG_HINT =
  'Run `codegenapi login` to pick your organization, or `codegenapi config set org-id ID` (ids: `codegenapi orgs`), or export CODEGEN_ORG_ID.'

export interface ContextOptions {
  overrides?: ConfigOverrides
  env?: NodeJS.ProcessEnv
  cwd?: string
  debug?: DebugLog
  /** Told before each wait and retry (the CLI prints long waits, and every reason under --debug). */
  notice?: (wait: RetryNotice) => void
  /** MCP keeps every call under the host's time limit. */
  timeoutMs?: number
  maxRetryAfterMs?: number
  /** The request budget to share (default: the process's). */
  limiter?: RateLimiter
}

export async function createContext(opts: ContextOptions = {}): Promise<ServiceContext> {
  let env = opts.env ?? process.env
  // Bad numbers in the environment are usage errors before anything is sent, as bad flags are.
  checkEnvNumbers(env)
  const config = await new ConfigService(env, opts.cwd ?? process.cwd()).resolve(opts.overrides)
  // The sandbox (--sandbox, CODEGEN_API_BASE_URL=sandbox): an in-process one, sent its own token only,
  // whatever else is configured; its environment keeps state apart (already so when src/cli.ts set it).
  let api = {baseUrl: config.baseUrl, token: config.token}
  if (config.baseUrl === SANDBOX) {
    env = sandboxEnv(env)
    const {localSandbox} = await import('../sandbox/local.js')
    const sandbox = await localSandbox(env)
    api = {baseUrl: sandbox.url, token: sandbox.token}
  }
  const timeoutMs = opts.timeoutMs ?? envMs(env, 'CODEGEN_API_TIMEOUT')
  const limiter = opts.limiter ?? sharedLimiter
  const clients = clientsByLimiter.get(limiter) ?? new Map<string, CodegenClient>()
  clientsByLimiter.set(limiter, clients)
  return {
    config,
    env,
    debug: opts.debug,
    client() {
      if (!api.token) throw new CodegenError('auth', 'No API token is configured.', {hint: TOKEN_HINT})
      const key = `${api.baseUrl}\n${api.token}\n${timeoutMs}\n${opts.maxRetryAfterMs}\n${Boolean(opts.debug)}\n${Boolean(opts.notice)}`
      let client = clients.get(key)
      if (!client) {
        client = new CodegenClient({
          baseUrl: api.baseUrl,
          token: api.token,
          userAgent: userAgent(),
          timeoutMs,
          maxRetryAfterMs: opts.maxRetryAfterMs,
          retryBaseMs: envMs(env, 'CODEGENAPI_RETRY_BASE_MS'),
          limiter,
          debug: opts.debug,
          notice: opts.notice,
        })
        clients.set(key, client)
      }
      return client
    },
    orgId() {
      if (config.orgId === undefined) throw new CodegenError('auth', 'No organization id is configured.', {hint: ORG_HINT})
      return config.orgId
    },
  }
}
