import os from 'node:os'
import path from 'node:path'

const APP = 'codegenapi'

// Same rules as oclif's configDir and gh: <BIN>_CONFIG_DIR > XDG > platform default.
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.CODEGENAPI_CONFIG_DIR) return env.CODEGENAPI_CONFIG_DIR
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, APP)
  if (process.platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, APP)
  return path.join(os.homedir(), '.config', APP)
}

export function stateDir(env: NodeJS.ProcessEnv): string {
  if (env.CODEGENAPI_STATE_DIR) return env.CODEGENAPI_STATE_DIR
  if (env.XDG_STATE_HOME) return path.join(env.XDG_STATE_HOME, APP)
  if (process.platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, APP, 'state')
  return path.join(os.homedir(), '.local', 'state', APP)
}

export function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.CODEGENAPI_CACHE_DIR) return env.CODEGENAPI_CACHE_DIR
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, APP)
  if (process.platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, APP, 'cache')
  return path.join(os.homedir(), '.cache', APP)
}

export const userConfigFile = (env: NodeJS.ProcessEnv) => path.join(configDir(env), 'config.json')
export const stateFile = (env: NodeJS.ProcessEnv) => path.join(stateDir(env), 'runs.json')
