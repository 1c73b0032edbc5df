// Whether a command may be inside a git checkout, answered from the file system alone: `list` and `new`
// ask it on every run, and outside a checkout they load neither git.ts nor node:child_process (about 4%
// of their start-up) and spawn nothing.
import fs from 'node:fs'
import path from 'node:path'

/**
 * Whether cwd or a folder above it has a `.git` (folder, or file for worktrees and submodules), or
 * GIT_DIR is set.
 */
export function mayBeInCheckout(cwd: string, env: NodeJS.ProcessEnv): boolean {
  if (env.GIT_DIR) return true
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return true
    if (path.dirname(dir) === dir) return false
  }
}
