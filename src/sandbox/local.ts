// The in-process sandbox of a `--sandbox` run: started on 127.0.0.1 when the run first needs the API,
// its state kept in the sandbox directory's api.json (store.ts), so the next invocation sees the runs
// this one started. It never keeps the process alive: the command's end is the sandbox's.
import {envMs} from '../services/duration.js'
import {sandboxStateFile, SANDBOX_TOKEN} from './mode.js'
import {startSandboxApi} from './server.js'
import {fileStore} from './store.js'
import type {SandboxApi, SandboxApiOptions} from './types.js'

/**
 * How the sandbox behaves for people and scripts: runs finish in about 6 s (CODEGENAPI_SANDBOX_RUN_MS,
 * read by the process that serves the request), with a log line a second or six in all.
 */
export function sandboxOptions(env: NodeJS.ProcessEnv): SandboxApiOptions {
  const runDurationMs = envMs(env, 'CODEGENAPI_SANDBOX_RUN_MS') ?? 6000
  return {token: SANDBOX_TOKEN, runDurationMs, logIntervalMs: Math.max(20, Math.min(1000, Math.round(runDurationMs / 6)))}
}

// One sandbox per state file and process, even when two bundles (the CLI's and the MCP server's) each
// have a copy of this module.
const REGISTRY = Symbol.for('codegenapi.sandbox.local')
const running: Map<string, Promise<SandboxApi>> = ((globalThis as {[REGISTRY]?: Map<string, Promise<SandboxApi>>})[REGISTRY] ??= new Map<
  string,
  Promise<SandboxApi>
>())

/** The sandbox this process serves `--sandbox` runs from, started on first use. */
export function localSandbox(env: NodeJS.ProcessEnv): Promise<SandboxApi> {
  const file = sandboxStateFile(env)
  let api = running.get(file)
  if (!api) {
    api = startSandboxApi({...sandboxOptions(env), store: fileStore(file), background: true})
    running.set(file, api)
    api.catch(() => running.delete(file))
  }
  return api
}

/** Stops every in-process sandbox (tests). */
export async function closeLocalSandboxes(): Promise<void> {
  const all = [...running.values()]
  running.clear()
  await Promise.all(all.map(async (api) => (await api).close()))
}
