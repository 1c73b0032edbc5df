// Sandbox mode (`codegenapi --sandbox COMMAND`, or CODEGEN_API_BASE_URL=sandbox): any command runs
// against an in-process sandbox (src/sandbox) with the sandbox's dummy token. Decided before oclif
// parses (src/cli.ts), by giving the command an environment of its own: the user's token (env or
// config file) is never read, and its config, state and cache live in the sandbox's directory, so the
// user's real runs.json and config.json are never touched. Small on purpose: src/cli.ts loads it on every run.
import path from 'node:path'
import {stateDir} from '../services/paths.js'

/** The value of CODEGEN_API_BASE_URL (and of the resolved base-url) that means "the sandbox". */
export const SANDBOX = 'sandbox'
/** The sandbox's own token: not a secret, accepted by the sandbox only. */
export const SANDBOX_TOKEN = 'sandbox-token-not-a-secret'
/** The organization the sandbox's user belongs to (and a second one, 57). */
export const SANDBOX_ORG_ID = 42

export const isSandboxValue = (value: string | undefined) => value?.trim().toLowerCase() === SANDBOX

/** Where the sandbox keeps its API state, its config and its runs.json: CODEGENAPI_SANDBOX_DIR, else `<state dir>/sandbox`. */
export function sandboxDir(env: NodeJS.ProcessEnv): string {
  return env.CODEGENAPI_SANDBOX_DIR || path.join(stateDir(env), 'sandbox')
}

/** The file the sandbox's API state (runs, changes, request journal) is saved in. */
export const sandboxStateFile = (env: NodeJS.ProcessEnv) => path.join(sandboxDir(env), 'api.json')

/** `--sandbox` anywhere before a `--`, taken out of argv. */
export function takeSandboxFlag(argv: string[]): {argv: string[]; on: boolean} {
  const end = argv.indexOf('--')
  const head = end === -1 ? argv : argv.slice(0, end)
  if (!head.includes('--sandbox')) return {argv, on: false}
  return {argv: [...head.filter((a) => a !== '--sandbox'), ...(end === -1 ? [] : argv.slice(end))], on: true}
}

/**
 * The environment a sandbox run sees: the sandbox as API, its token, its organization, its own config
 * and state directories. Idempotent (a sandbox run's environment maps to itself).
 */
export function sandboxEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const dir = sandboxDir(env)
  return {
    ...env,
    CODEGEN_API_BASE_URL: SANDBOX,
    CODEGEN_API_TOKEN: SANDBOX_TOKEN,
    CODEGEN_ORG_ID: String(SANDBOX_ORG_ID),
    CODEGENAPI_SANDBOX_DIR: dir,
    CODEGENAPI_CONFIG_DIR: path.join(dir, 'config'),
    CODEGENAPI_STATE_DIR: path.join(dir, 'state'),
    CODEGENAPI_CACHE_DIR: path.join(dir, 'cache'),
  }
}
