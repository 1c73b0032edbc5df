import fs from 'node:fs'
import path from 'node:path'
import os from 'node:os'
import {CodegenError, usageError} from '../api/errors.js'
import {readJsonFileSync, writeFileAtomic} from './files.js'
import {userConfigFile, configDir} from './paths.js'
import {maskSecret, parseBaseUrl, parsePositiveInt, parseToken} from './validate.js'

export const DEFAULT_BASE_URL = 'https://api.codegen.com'

export type ConfigKey = 'api-token' | 'org-id' | 'base-url'
export type ConfigSource = 'flag' | 'env' | 'project' | 'user' | 'default'

interface KeySpec {
  aliases: string[]
  env: string
  secret?: boolean
  parse: (raw: string) => string | number
  describe: string
}

export const CONFIG_KEYS: Record<ConfigKey, KeySpec> = {
  'api-token': {
    aliases: ['api_token', 'token', 'apiToken'],
    env: 'CODEGEN_API_TOKEN',
    secret: true,
    parse: parseToken,
    describe: 'API token from https://codegen.com/token',
  },
  'org-id': {
    aliases: ['org_id', 'orgId', 'org'],
    env: 'CODEGEN_ORG_ID',
    parse: (raw) => parsePositiveInt(raw, 'org-id'),
    describe: 'Organization id (see `codegenapi orgs`)',
  },
  'base-url': {
    aliases: ['base_url', 'baseUrl', 'api-base-url'],
    env: 'CODEGEN_API_BASE_URL',
    parse: (raw) => parseBaseUrl(raw),
    describe: `API origin (default ${DEFAULT_BASE_URL})`,
  },
}

export function canonicalKey(name: string): ConfigKey {
  const wanted = name.trim()
  for (const [key, spec] of Object.entries(CONFIG_KEYS) as [ConfigKey, KeySpec][]) {
    if (key === wanted || spec.aliases.includes(wanted)) return key
  }
  throw usageError(`Unknown config key ${JSON.stringify(name)}.`, `Valid keys: ${Object.keys(CONFIG_KEYS).join(', ')}.`)
}

type Stored = Partial<Record<ConfigKey, string | number>>

export interface ConfigOverrides {
  orgId?: string | number
  baseUrl?: string
}

export interface ResolvedConfig {
  token?: string
  orgId?: number
  baseUrl: string
  sources: Record<ConfigKey, ConfigSource | undefined>
  userFile: string
  projectFile?: string
  warnings: string[]
}

/** One entry as `config get`/`config list` and the MCP config tool show it: never the token itself. */
export interface ConfigEntry {
  key: ConfigKey
  value: string | number | null
  set: boolean
  source: ConfigSource | null
  description: string
}

export class ConfigService {
  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly cwd: string = process.cwd(),
  ) {}

  get userFile(): string {
    return userConfigFile(this.env)
  }

  get dir(): string {
    return configDir(this.env)
  }

  async readUser(): Promise<Stored> {
    const data = readJsonFileSync(this.userFile, 'config file')
    if (data === undefined) return {}
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new CodegenError('config', `The config file ${this.userFile} does not hold a JSON object.`, {hint: 'Fix or delete the file.'})
    }
    return normalise(data as Record<string, unknown>)
  }

  /** Flags > env > project file > user file > default; each value validated where it comes from. */
  async resolve(overrides: ConfigOverrides = {}): Promise<ResolvedConfig> {
    const warnings: string[] = []
    const user = await this.readUser()
    const project = await this.readProject(warnings)
    const sources = {} as Record<ConfigKey, ConfigSource | undefined>
    const pick = (key: ConfigKey, flag: string | number | undefined): string | number | undefined => {
      const spec = CONFIG_KEYS[key]
      const candidates: [ConfigSource, string | number | undefined][] = [
        ['flag', flag],
        ['env', this.env[spec.env] || undefined],
        ['project', project.values[key]],
        ['user', user[key]],
      ]
      for (const [source, raw] of candidates) {
        if (raw === undefined || raw === '') continue
        sources[key] = source
        try {
          return spec.parse(String(raw))
        } catch (error) {
          const where: Record<ConfigSource, string | undefined> = {
            flag: `--${key}`,
            env: spec.env,
            project: project.file,
            user: this.userFile,
            default: undefined,
          }
          throw usageError(`Invalid ${key} from ${where[source]}: ${(error as Error).message}`)
        }
      }
      return undefined
    }
    const token = pick('api-token', undefined) as string | undefined
    const orgId = pick('org-id', overrides.orgId) as number | undefined
    const baseUrl = (pick('base-url', overrides.baseUrl) as string | undefined) ?? DEFAULT_BASE_URL
    sources['base-url'] ??= 'default'
    return {token, orgId, baseUrl, sources, userFile: this.userFile, projectFile: project.file, warnings}
  }

  async entries(overrides: ConfigOverrides = {}, resolved?: ResolvedConfig): Promise<ConfigEntry[]> {
    resolved ??= await this.resolve(overrides)
    const values: Record<ConfigKey, string | number | undefined> = {
      'api-token': maskSecret(resolved.token),
      'org-id': resolved.orgId,
      'base-url': resolved.baseUrl,
    }
    return (Object.keys(CONFIG_KEYS) as ConfigKey[]).map((key) => ({
      key,
      value: values[key] ?? null,
      set: values[key] !== undefined,
      source: resolved.sources[key] ?? null,
      description: CONFIG_KEYS[key].describe,
    }))
  }

  async get(name: string, overrides: ConfigOverrides = {}): Promise<ConfigEntry> {
    const key = canonicalKey(name)
    return (await this.entries(overrides)).find((e) => e.key === key)!
  }

  /** Validates first, then writes the whole file atomically: a bad value never touches the file. */
  async set(name: string, raw: string): Promise<ConfigEntry> {
    const key = canonicalKey(name)
    const value = CONFIG_KEYS[key].parse(raw)
    const current = await this.readUser()
    await this.write({...current, [key]: value})
    return {
      key,
      value: CONFIG_KEYS[key].secret ? maskSecret(String(value))! : value,
      set: true,
      source: 'user',
      description: CONFIG_KEYS[key].describe,
    }
  }

  async unset(name: string): Promise<{key: ConfigKey; removed: boolean}> {
    const key = canonicalKey(name)
    const current = await this.readUser()
    if (!(key in current)) return {key, removed: false}
    delete current[key]
    await this.write(current)
    return {key, removed: true}
  }

  private async write(values: Stored): Promise<void> {
    await writeFileAtomic(this.userFile, JSON.stringify(values, null, 2) + '\n')
  }

  /**
   * A project `.codegenapirc` may set org-id (and base-url pointing at Codegen or this machine).
   * Never a token, which would end up in git, and never a base-url elsewhere, which would send the
   * user's token to whoever wrote the file.
   */
  private async readProject(warnings: string[]): Promise<{values: Stored; file?: string}> {
    if (this.env.CODEGENAPI_NO_PROJECT_CONFIG) return {values: {}}
    const stopDir = findStopDir(this.cwd)
    // Most directories hold no project config: a few stat calls spare loading cosmiconfig at all.
    if (!hasProjectConfigCandidate(this.cwd, stopDir)) return {values: {}}
    // CommonJS module: bundled, its exports arrive on `default`.
    const mod = (await import('cosmiconfig')) as typeof import('cosmiconfig') & {default?: typeof import('cosmiconfig')}
    const cosmiconfig = mod.cosmiconfig ?? mod.default!.cosmiconfig
    const refuse = (file: string) => {
      throw new Error(`${file}: executable config files are not loaded`)
    }
    const explorer = cosmiconfig('codegenapi', {
      searchStrategy: 'global',
      stopDir,
      searchPlaces: ['package.json', ...PROJECT_FILES],
      loaders: {'.js': refuse, '.mjs': refuse, '.cjs': refuse, '.ts': refuse, '.mts': refuse, '.cts': refuse},
      cache: false,
    })
    let result
    try {
      result = await explorer.search(this.cwd)
    } catch (error) {
      warnings.push(`Ignoring project config: ${(error as Error).message}`)
      return {values: {}}
    }
    // cosmiconfig's global search ends in our own config dir: that is the user file, handled above.
    if (!result || result.isEmpty || path.dirname(result.filepath) === path.resolve(this.dir)) return {values: {}}
    const file = result.filepath
    if (typeof result.config !== 'object' || result.config === null) {
      warnings.push(`Ignoring ${file}: it does not hold an object.`)
      return {values: {}, file}
    }
    const values = normalise(result.config as Record<string, unknown>)
    if (values['api-token'] !== undefined) {
      warnings.push(
        `Ignoring the API token in ${file}: tokens in project files end up in git. Use \`codegenapi config set api-token\` or CODEGEN_API_TOKEN.`,
      )
      delete values['api-token']
    }
    if (values['base-url'] !== undefined && !isTrustedBaseUrl(String(values['base-url']))) {
      warnings.push(`Ignoring base-url ${values['base-url']} in ${file}: a project file may only point at api.codegen.com or this machine.`)
      delete values['base-url']
    }
    return {values, file}
  }
}

const PROJECT_FILES = [
  '.codegenapirc',
  '.codegenapirc.json',
  '.codegenapirc.yaml',
  '.codegenapirc.yml',
  '.config/codegenapirc',
  '.config/codegenapirc.json',
  '.config/codegenapirc.yaml',
  '.config/codegenapirc.yml',
]
// Files through which cosmiconfig's own meta-config could add search places.
const META_FILES = ['.config/config.json', '.config/config.yaml', '.config/config.yml', '.config/config']

/** Whether any directory from `start` up to `stopDir` could hold a project config for us. */
function hasProjectConfigCandidate(start: string, stopDir: string): boolean {
  let dir = path.resolve(start)
  for (;;) {
    if ([...PROJECT_FILES, ...META_FILES].some((f) => fs.existsSync(path.join(dir, f)))) return true
    const pkg = path.join(dir, 'package.json')
    if (fs.existsSync(pkg)) {
      try {
        const text = fs.readFileSync(pkg, 'utf8')
        if (text.includes('"codegenapi"') || text.includes('"cosmiconfig"')) return true
      } catch {
        return true
      }
    }
    const parent = path.dirname(dir)
    if (dir === path.resolve(stopDir) || parent === dir) return false
    dir = parent
  }
}

function normalise(data: Record<string, unknown>): Stored {
  const out: Stored = {}
  for (const [name, value] of Object.entries(data)) {
    let key: ConfigKey
    try {
      key = canonicalKey(name)
    } catch {
      continue // unknown keys are kept in the file but not used
    }
    if (typeof value === 'string' || typeof value === 'number') out[key] = value
  }
  return out
}

function isTrustedBaseUrl(raw: string): boolean {
  try {
    const url = new URL(raw)
    return url.hostname.endsWith('codegen.com') || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
  } catch {
    return false
  }
}

/** The search for a project file stops at the git root, else the home directory. */
function findStopDir(start: string): string {
  let dir = path.resolve(start)
  for (;;) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) return os.homedir()
    dir = parent
  }
}
