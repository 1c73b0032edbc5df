// Git, run as a program (execFile: no shell, arguments never parsed by one). The API token is never
// given to git: it fetches from GitHub with the user's own credentials, as any `git fetch` would.
import {execFile} from 'node:child_process'
import {CodegenError} from '../api/errors.js'
import {oneLine} from '../output/sanitize.js'

export interface GitResult {
  stdout: string
  stderr: string
}

export type Git = (args: string[], opts?: {allowFail?: boolean}) => Promise<GitResult & {code: number}>

/**
 * A git runner bound to a directory. Exit codes other than 0 throw unless `allowFail`. `interactive`:
 * stdin is a terminal a credential prompt could be answered on.
 */
export function gitIn(cwd: string, env: NodeJS.ProcessEnv, interactive = false): Git {
  // Without a terminal to answer on, a credential prompt would wait for ever: fail instead.
  const gitEnv = interactive ? env : {...env, GIT_TERMINAL_PROMPT: '0'}
  return (args, opts = {}) =>
    new Promise((resolve, reject) => {
      execFile('git', args, {cwd, env: gitEnv, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8'}, (error, stdout, stderr) => {
        if (!error) return resolve({stdout, stderr, code: 0})
        const code = typeof error.code === 'number' ? error.code : -1
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return reject(new CodegenError('config', 'git was not found on PATH.', {hint: 'Install git and try again.'}))
        }
        if (opts.allowFail) return resolve({stdout, stderr, code})
        const said = stderr.trim().split('\n').filter(Boolean).slice(-3).map(oneLine).join(' / ')
        reject(new CodegenError('api', `git ${args[0]} failed${said ? `: ${said}` : ` (exit ${code})`}`))
      })
    })
}

/** True in a git work tree (not a bare repository). Never throws: no git means no work tree. */
export async function isWorkTree(git: Git): Promise<boolean> {
  try {
    const r = await git(['rev-parse', '--is-inside-work-tree'], {allowFail: true})
    return r.code === 0 && r.stdout.trim() === 'true'
  } catch {
    return false
  }
}

/** The configured remotes and their URLs as written in the config (before any `insteadOf`). */
export async function remotes(git: Git): Promise<Map<string, string>> {
  const r = await git(['config', '--get-regexp', '^remote\\..*\\.url$'], {allowFail: true})
  const out = new Map<string, string>()
  if (r.code !== 0) return out
  for (const line of r.stdout.split('\n')) {
    const m = /^remote\.(.+)\.url (.+)$/.exec(line.trim())
    if (m && !out.has(m[1])) out.set(m[1], m[2])
  }
  return out
}
