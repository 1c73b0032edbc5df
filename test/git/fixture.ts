// Local git repositories for tests: a bare "GitHub" repository and clones of it, no network. The
// sandbox's ~/.gitconfig maps https://github.com/OWNER/NAME(.git) (and git@github.com:) to the bare
// repository with url.insteadOf, so the product fetches exactly the URL it builds, and git sends it here.
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export function gitEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
  }
}

export function git(cwd: string, home: string, ...args: string[]): string {
  return execFileSync('git', args, {cwd, env: gitEnv(home), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim()
}

export interface Forge {
  /** The bare repository standing in for github.com/OWNER/NAME. */
  bare: string
  /** A clone of it, on main, with the given remote URL for origin. */
  clone: string
  run: (cwd: string, ...args: string[]) => string
  /** Commits `files` on `branch` (made off main the first time), pushed to the bare repository. */
  pushBranch: (branch: string, files: Record<string, string>) => string
}

/** Made once per process and copied for each test: git is run twice less per forge than it takes to make one. */
const templates = new Map<string, string>()

/** The three repositories of a forge (forge/NAME.git, seed, clone), made in a folder of their own. */
function template(fullName: string, originUrl: string): string {
  const key = `${fullName}\n${originUrl}`
  const known = templates.get(key)
  if (known) return known
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenapi-forge-'))
  if (templates.size === 0) process.once('exit', () => templates.forEach((d) => fs.rmSync(d, {recursive: true, force: true})))
  templates.set(key, dir)
  const run = (cwd: string, ...args: string[]) => git(cwd, dir, ...args)
  const bare = path.join(dir, 'forge', `${fullName}.git`)
  fs.mkdirSync(bare, {recursive: true})
  run(bare, 'init', '--bare', '-q', '-b', 'main')
  const seed = path.join(dir, 'seed')
  fs.mkdirSync(seed)
  run(seed, 'init', '-q', '-b', 'main')
  fs.writeFileSync(path.join(seed, 'README.md'), '# demo\n')
  fs.writeFileSync(path.join(seed, 'a.txt'), 'one\ntwo\nthree\n')
  run(seed, 'add', '.')
  run(seed, 'commit', '-q', '-m', 'initial')
  run(seed, 'push', '-q', bare, 'main')
  run(dir, 'clone', '-q', bare, path.join(dir, 'clone'))
  run(path.join(dir, 'clone'), 'remote', 'set-url', 'origin', originUrl)
  return dir
}

/**
 * github.com/`fullName` as a bare repository under `home`, with main holding README.md and a.txt,
 * and a clone in home/clone whose origin is `originUrl` (default the https URL).
 */
export function makeForge(home: string, fullName: string, originUrl = `https://github.com/${fullName}.git`): Forge {
  const run = (cwd: string, ...args: string[]) => git(cwd, home, ...args)
  // The repositories hold no absolute path of their own: a copy works where it lands.
  const made = template(fullName, originUrl)
  for (const part of ['forge', 'seed', 'clone']) fs.cpSync(path.join(made, part), path.join(home, part), {recursive: true})
  const bare = path.join(home, 'forge', `${fullName}.git`)
  fs.appendFileSync(
    path.join(home, '.gitconfig'),
    `[url "${bare}"]\n\tinsteadOf = https://github.com/${fullName}.git\n\tinsteadOf = https://github.com/${fullName}\n\tinsteadOf = git@github.com:${fullName}.git\n`,
  )
  const seed = path.join(home, 'seed')
  const clone = path.join(home, 'clone')
  const pushBranch = (branch: string, files: Record<string, string>) => {
    // On the branch's own tip when it was pushed before (a later commit of the same PR), else off main.
    let exists = true
    try {
      run(seed, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`)
    } catch {
      exists = false
    }
    run(seed, 'checkout', '-q', ...(exists ? [branch] : ['-b', branch, 'main']))
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(seed, file)), {recursive: true})
      fs.writeFileSync(path.join(seed, file), text)
    }
    run(seed, 'add', '.')
    run(seed, 'commit', '-q', '-m', `work on ${branch}`)
    run(seed, 'push', '-q', '-f', bare, `${branch}:refs/heads/${branch}`)
    run(seed, 'checkout', '-q', 'main')
    return run(seed, 'rev-parse', branch)
  }
  return {bare, clone, run, pushBranch}
}
