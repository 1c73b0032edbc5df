import fs from 'node:fs'
import path from 'node:path'
import {CodegenError, usageError} from '../api/errors.js'
import {maskSecret} from '../api/redact.js'
import {readJsonFileSync, withFileLock, writeFileAtomic} from './files.js'
import {userConfigFile, configDir} from './paths.js'
import {assertMayWrite, checkTransport, DEFAULT_BASE_URL, projectSearchDirs, refusal, type Writer} from './trust.js'
import {parseBaseUrl, parsePositiveInt, parseToken} from './validate.js'
import {isSandboxValue, SANDBOX} from '../sandbox/mode.js'

export {DEFAULT_BASE_URL}

export type ConfigKey = 'api-token' | 'org-id' | 'base-url'
export type ConfigSource = 'flag' | 'env' | 'project' | 'user' | 'default'

interface KeySpec {
  aliases: string[]
  env: string
  secret?: boolean
  /** The JSON type a config file must hold the value as (org-id may also be a string of digits). */
  type: 'string' | 'number'
  parse: (raw: string) => string | number
  describe: string
}

export const CONFIG_KEYS: Record<ConfigKey, KeySpec> = {
  'api-token': {
    aliases: ['api_token', 'token', 'apiToken'],
    env: 'CODEGEN_API_TOKEN',
    secret: true,
    type: 'string',
    parse: parseToken,
    describe: 'API token from https://codegen.com/token',
  },
  'org-id': {
    aliases: ['org_id', 'orgId', 'org'],
    env: 'CODEGEN_ORG_ID',
    type: 'number',
    parse: (raw) => parsePositiveInt(raw, 'org-id'),
    describe: 'Organization id (see `codegenapi orgs`)',
  },
  'base-url': {
    aliases: ['base_url', 'baseUrl', 'api-base-url'],
    env: 'CODEGEN_API_BASE_URL',
    type: 'string',
    parse: (raw) => checkTransport(parseBaseUrl(raw)),
    describe: `API origin (default ${DEFAULT_BASE_URL})`,
  },
}

const KEYS = Object.keys(CONFIG_KEYS) as ConfigKey[]

/** The key a spelling names, or undefined for a key we do not know. */
function keyOf(name: string): ConfigKey | undefined {
  const wanted = name.trim()
  return KEYS.find((key) => key === wanted || CONFIG_KEYS[key].aliases.includes(wanted))
}

export function canonicalKey(name: string): ConfigKey {
  const key = keyOf(name)
  if (key) return key
  throw usageError(`Unknown config key ${JSON.stringify(name)}.`, `Valid keys: ${KEYS.join(', ')}.`)
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

export interface WriteOptions {
  /** Who asks: through MCP, neither base-url nor the token may change (see trust.ts). */
  by?: Writer
}

export class ConfigService {
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly cwd: string,
  ) {}

  get userFile(): string {
    return userConfigFile(this.env)
  }

  get dir(): string {
    return configDir(this.env)
  }

  /** The user file as it is, unknown keys included: what a write starts from. */
  private readUserRaw(): Record<string, unknown> {
    const data = readJsonFileSync(this.userFile, 'config file')
    if (data === undefined) return {}
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new CodegenError('config', `The config file ${this.userFile} does not hold a JSON object.`, {hint: 'Fix or delete the file.'})
    }
    return data as Record<string, unknown>
  }

  /** The keys we know, checked: a wrong type or a key spelled twice is an error naming the file. */
  readUser(): Stored {
    const {values, problems} = normalise(this.readUserRaw(), this.userFile)
    if (problems.length) {
      throw new CodegenError('config', problems.join('\n'), {
        hint: `Fix ${this.userFile}, or set the key again with \`codegenapi config set\` (it writes one spelling).`,
      })
    }
    return values
  }

  /** Flags > env > project file > user file > default; each value validated where it comes from. */
  async resolve(overrides: ConfigOverrides = {}): Promise<ResolvedConfig> {
    const warnings: string[] = []
    const user = this.readUser()
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
        // CODEGEN_API_BASE_URL=sandbox: src/cli.ts has given this run the sandbox's environment (sandbox/mode.ts).
        if (key === 'base-url' && source === 'env' && isSandboxValue(String(raw))) return SANDBOX
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
          throw usageError(`Invalid ${key} from ${where[source]}: ${(error as Error).message}`, (error as CodegenError).hint)
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
    return KEYS.map((key) => ({
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
  async set(name: string, raw: string, opts: WriteOptions = {}): Promise<ConfigEntry> {
    const key = canonicalKey(name)
    const value = (await this.update({[key]: raw}, opts))[key]!
    return {
      key,
      value: CONFIG_KEYS[key].secret ? maskSecret(String(value))! : value,
      set: true,
      source: 'user',
      description: CONFIG_KEYS[key].describe,
    }
  }

  /**
   * Sets several keys in one write (login saves token and org together). Under a lock: concurrent
   * writers each keep the others' keys. Keys we do not know stay in the file; other spellings of a
   * key that is set are replaced by its one name.
   */
  async update(changes: Partial<Record<ConfigKey, string>>, opts: WriteOptions = {}): Promise<Stored> {
    const parsed: Stored = {}
    for (const [key, raw] of Object.entries(changes) as [ConfigKey, string][]) {
      assertMayWrite(opts.by ?? 'cli', key, 'set')
      parsed[key] = CONFIG_KEYS[key].parse(raw)
    }
    await withFileLock(this.userFile, async () => {
      const current = this.readUserRaw()
      for (const key of Object.keys(parsed) as ConfigKey[]) for (const alias of CONFIG_KEYS[key].aliases) delete current[alias]
      await this.write({...current, ...parsed})
    })
    return parsed
  }

  async unset(name: string, opts: WriteOptions = {}): Promise<{key: ConfigKey; removed: boolean}> {
    const key = canonicalKey(name)
    assertMayWrite(opts.by ?? 'cli', key, 'unset')
    return withFileLock(this.userFile, async () => {
      const current = this.readUserRaw()
      const present = [key, ...CONFIG_KEYS[key].aliases].filter((k) => k in current)
      if (present.length === 0) return {key, removed: false}
      for (const k of present) delete current[k]
      await this.write(current)
      return {key, removed: true}
    })
  }

  private async write(values: Record<string, unknown>): Promise<void> {
    await writeFileAtomic(this.userFile, JSON.stringify(values, null, 2) + '\n')
  }

  /**
   * A project file (`.codegenapirc` and friends, or a `codegenapi` key in package.json) is data, read
   * as JSON or YAML; no file is ever executed. It may set org-id; trust.ts refuses a token (it would
   * end up in git) and any base-url but the default (it would send the user's token to whoever wrote
   * the file).
   */
  private async readProject(warnings: string[]): Promise<{values: Stored; file?: string}> {
    if (this.env.CODEGENAPI_NO_PROJECT_CONFIG) return {values: {}}
    const userDir = path.resolve(this.dir)
    for (const dir of projectSearchDirs(this.cwd)) {
      for (const name of CODE_FILES) {
        const file = path.join(dir, name)
        if (fs.existsSync(file))
          warnings.push(`Not loading ${file}: executable config files are never run. Put the settings in .codegenapirc.json instead.`)
      }
      const found = findDataFile(dir)
      if (!found) continue
      // Our own config directory may be a git repository's (dotfiles): its files are the user file's business.
      if (path.dirname(found.file) === userDir) return {values: {}}
      let data: unknown
      try {
        data = await readDataFile(found)
      } catch (error) {
        warnings.push(`Ignoring ${found.file}: ${(error as Error).message}`)
        return {values: {}}
      }
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        warnings.push(`Ignoring ${found.file}: it does not hold an object.`)
        return {values: {}, file: found.file}
      }
      const {values, problems} = normalise(data as Record<string, unknown>, found.file)
      for (const problem of problems) warnings.push(`Ignoring ${problem}`)
      for (const key of Object.keys(values) as ConfigKey[]) {
        let value = values[key]!
        try {
          value = CONFIG_KEYS[key].parse(String(value))
        } catch (error) {
          warnings.push(`Ignoring ${key} in ${found.file}: ${(error as Error).message}`)
          delete values[key]
          continue
        }
        const why = refusal(key, 'project', value, found.file)
        if (why) {
          warnings.push(why)
          delete values[key]
        }
      }
      return {values, file: found.file}
    }
    return {values: {}}
  }
}

type DataKind = 'json' | 'yaml' | 'json-or-yaml' | 'package'

// cosmiconfig's search places for "codegenapi" that hold data, in its order. Dropped with cosmiconfig:
// its meta-config (`.config/config.*`) is read with loaders that run JavaScript before any option of
// ours applies, so it cannot be locked down (and it brought TypeScript as an optional peer).
const DATA_FILES: [string, DataKind][] = [
  ['package.json', 'package'],
  ['.codegenapirc', 'json-or-yaml'],
  ['.codegenapirc.json', 'json'],
  ['.codegenapirc.yaml', 'yaml'],
  ['.codegenapirc.yml', 'yaml'],
  ['.config/codegenapirc', 'json-or-yaml'],
  ['.config/codegenapirc.json', 'json'],
  ['.config/codegenapirc.yaml', 'yaml'],
  ['.config/codegenapirc.yml', 'yaml'],
]
// Its places that hold code: never loaded, named in a warning so that nobody wonders why.
const CODE_FILES = ['.codegenapirc', '.config/codegenapirc', 'codegenapi.config'].flatMap((base) =>
  ['js', 'cjs', 'mjs', 'ts', 'cts', 'mts'].map((ext) => `${base}.${ext}`),
)
/** Larger than any real config: not read. */
const MAX_PROJECT_FILE_BYTES = 256 * 1024

function findDataFile(dir: string): {file: string; kind: DataKind; text?: string} | undefined {
  for (const [name, kind] of DATA_FILES) {
    const file = path.join(dir, name)
    if (!fs.existsSync(file)) continue
    if (kind !== 'package') return {file, kind}
    // package.json counts only with a top-level "codegenapi" key: a project that merely depends on
    // codegenapi (or names it in a script) has no config there, and the search goes on.
    try {
      const text = fs.readFileSync(file, 'utf8')
      if (!text.includes('"codegenapi"')) continue
      const pkg = parseJson(text.replace(/^\uFEFF/, ''))
      if (pkg && typeof pkg === 'object' && Object.hasOwn(pkg, 'codegenapi')) return {file, kind, text}
    } catch {
      // unreadable or unparsable package.json: not ours to report
    }
  }
  return undefined
}

async function readDataFile(found: {file: string; kind: DataKind; text?: string}): Promise<unknown> {
  if (found.kind !== 'package' && fs.statSync(found.file).size > MAX_PROJECT_FILE_BYTES) throw new Error('the file is too large.')
  const text = (found.text ?? fs.readFileSync(found.file, 'utf8')).replace(/^\uFEFF/, '')
  if (found.kind === 'package') {
    const pkg = parseJson(text) as Record<string, unknown> | null
    return pkg && typeof pkg === 'object' ? pkg.codegenapi : undefined
  }
  if (found.kind === 'json') return parseJson(text)
  if (found.kind === 'json-or-yaml') {
    try {
      return JSON.parse(text) as unknown
    } catch {
      // not JSON: YAML, as cosmiconfig read these files
    }
  }
  // YAML is read as plain data: the core schema, no custom tags, few aliases (no alias bombs).
  const {parse} = await import('yaml')
  return parse(text, {schema: 'core', customTags: [], maxAliasCount: 20, uniqueKeys: true})
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message}).`, {cause: error})
  }
}

/**
 * The keys we know, under their one name. Unknown keys are left alone (kept in the file, not used);
 * a value of the wrong type, or one key under two spellings, is a problem naming the file.
 */
function normalise(data: Record<string, unknown>, where: string): {values: Stored; problems: string[]} {
  const values: Stored = {}
  const spelled: Partial<Record<ConfigKey, string>> = {}
  const problems: string[] = []
  for (const [name, value] of Object.entries(data)) {
    const key = keyOf(name)
    if (!key) continue
    if (spelled[key] !== undefined) {
      problems.push(`${where} sets ${key} twice, as "${spelled[key]}" and as "${name}": keep one.`)
      delete values[key]
      continue
    }
    spelled[key] = name
    const type = CONFIG_KEYS[key].type
    const ok = typeof value === type || (type === 'number' && typeof value === 'string')
    if (!ok) {
      problems.push(
        `${key} in ${where} is not a ${type} (it is ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}).`,
      )
      continue
    }
    values[key] = value as string | number
  }
  return {values, problems}
}
