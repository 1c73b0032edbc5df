import fs from 'node:fs/promises'
import {CodegenError} from '../api/errors.js'
import type {DebugLog} from '../api/client.js'
import {Redactor} from '../api/redact.js'
import {ConfigService, type ConfigOverrides, type ResolvedConfig} from './config.js'
import {createContext, ORG_HINT, TOKEN_HINT, type ContextOptions} from './context.js'
import {readJsonFile} from './files.js'
import {stateFile} from './paths.js'

export interface Check {
  name: string
  ok: boolean
  detail: string
  fix?: string
}

export interface DoctorOptions {
  env: NodeJS.ProcessEnv
  cwd: string
  limiter?: ContextOptions['limiter']
  /** --org-id and --base-url, as every API command takes them. */
  overrides?: ConfigOverrides
  debug?: DebugLog
}

/**
 * Every check runs, whatever failed before it: the report shows all that is wrong at once. Its text is
 * masked of the token (the API may echo it in an error).
 */
export async function runDoctor(opts: DoctorOptions): Promise<{ok: boolean; checks: Check[]}> {
  const env = opts.env
  const secrets = new Redactor()
  secrets.add(env.CODEGEN_API_TOKEN?.trim())
  const checks: Check[] = []
  const add = (c: Check) => checks.push(c)

  const major = Number(process.versions.node.split('.')[0])
  add({
    name: 'Node.js',
    ok: major >= 20,
    detail: `v${process.versions.node}`,
    fix: major >= 20 ? undefined : 'Install Node.js 20 or newer.',
  })

  const service = new ConfigService(env, opts.cwd)
  add(await fileCheck('Config file', service.userFile, 0o600))
  add(await fileCheck('Config directory', service.dir, 0o700, true))

  let config: ResolvedConfig | undefined
  try {
    config = await service.resolve(opts.overrides)
    secrets.add(config.token)
    for (const w of config.warnings)
      add({name: 'Project config', ok: false, detail: w, fix: 'Remove the ignored key from the project file.'})
  } catch (error) {
    add({name: 'Configuration', ok: false, detail: (error as Error).message, fix: (error as CodegenError).hint})
  }

  add(
    config?.token
      ? {name: 'API token', ok: true, detail: `set (from ${config.sources['api-token']})`}
      : {name: 'API token', ok: false, detail: 'not set', fix: TOKEN_HINT},
  )
  add(
    config?.orgId !== undefined
      ? {name: 'Organization', ok: true, detail: `${config.orgId} (from ${config.sources['org-id']})`}
      : {name: 'Organization', ok: false, detail: 'not set', fix: ORG_HINT},
  )

  if (config?.token) {
    const ctx = await createContext({
      env,
      cwd: opts.cwd,
      limiter: opts.limiter,
      overrides: opts.overrides,
      timeoutMs: 10_000,
      debug: opts.debug,
    })
    const started = Date.now()
    try {
      const me = await ctx.client().me()
      add({name: 'API', ok: true, detail: `${config.baseUrl} answered in ${Date.now() - started} ms`})
      add({name: 'Token valid', ok: true, detail: `belongs to ${me.github_username}`})
      if (config.orgId !== undefined) {
        try {
          await ctx.client().users(config.orgId, {limit: 1})
          add({name: 'Organization access', ok: true, detail: `can read organization ${config.orgId}`})
        } catch (error) {
          add({name: 'Organization access', ok: false, detail: (error as Error).message, fix: 'Check the id with `codegenapi orgs`.'})
        }
      }
    } catch (error) {
      const e = error as CodegenError
      if (e.kind === 'auth') {
        add({name: 'API', ok: true, detail: `${config.baseUrl} answered in ${Date.now() - started} ms`})
        add({
          name: 'Token valid',
          ok: false,
          detail: e.message,
          fix: 'Run `codegenapi login` with a fresh token from https://codegen.com/token.',
        })
      } else {
        add({name: 'API', ok: false, detail: e.message, fix: e.hint ?? 'Check your network and base-url.'})
      }
    }
  }

  const state = stateFile(env)
  try {
    const data = await readJsonFile(state, 'state file')
    add({name: 'State file', ok: true, detail: data === undefined ? `${state} (not created yet)` : state})
  } catch (error) {
    add({name: 'State file', ok: false, detail: (error as Error).message, fix: `Delete ${state}; it is rebuilt as runs are watched.`})
  }
  const shown = checks.map((c) => secrets.value(c))
  return {ok: shown.every((c) => c.ok), checks: shown}
}

async function fileCheck(name: string, file: string, wantMode: number, isDir = false): Promise<Check> {
  try {
    const stat = await fs.stat(file)
    const mode = stat.mode & 0o777
    if (process.platform === 'win32' || (mode & ~wantMode) === 0) return {name, ok: true, detail: `${file} (${mode.toString(8)})`}
    return {
      name,
      ok: false,
      detail: `${file} is mode ${mode.toString(8)}, readable by others`,
      fix: `chmod ${wantMode.toString(8)} ${file}`,
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return {name, ok: true, detail: `${file} (not created yet${isDir ? '' : '; env vars may hold the settings'})`}
    return {name, ok: false, detail: `${file}: ${(error as NodeJS.ErrnoException).code}`, fix: `Check the permissions of ${file}.`}
  }
}
