import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type {Git} from '../../src/services/git.js'
import {parseGitHubRemote, repoFromWorkingDirectory} from '../../src/services/git-repo.js'

describe('parseGitHubRemote', () => {
  it('reads the https, ssh, scp-like and git forms of github.com', () => {
    for (const url of [
      'https://github.com/acme/api.git',
      'https://github.com/acme/api',
      'https://github.com/acme/api/',
      'https://ada@github.com/acme/api.git',
      'http://github.com/acme/api.git',
      'ssh://git@github.com/acme/api.git',
      'ssh://git@ssh.github.com:443/acme/api.git',
      'git@github.com:acme/api.git',
      'git@github.com:acme/api',
      'github.com:acme/api.git',
      'git://github.com/acme/api.git',
      'HTTPS://GitHub.com/acme/api.git',
    ])
      expect(parseGitHubRemote(url), url).to.deep.equal({owner: 'acme', name: 'api'})
    expect(parseGitHubRemote('git@github.com:Zeeeepa/codegen.py.git')).to.deep.equal({owner: 'Zeeeepa', name: 'codegen.py'})
  })

  it('refuses other hosts, look-alikes, other paths and other schemes', () => {
    for (const url of [
      'git@gitlab.com:acme/api.git',
      'https://github.com.evil.example/acme/api.git',
      'https://evilgithub.com/acme/api.git',
      'https://github.com/acme/api/pull/3',
      'https://github.com/acme',
      'file:///srv/github.com/acme/api.git',
      '/srv/repos/api.git',
      '../api',
      'ext::ssh -oProxyCommand=x github.com:acme/api',
      'https://github.com/acme/a%20b.git',
      'git@github.com:../api.git',
      'git@github.com:acme/...git',
    ])
      expect(parseGitHubRemote(url), url).to.equal(undefined)
  })
})

describe('repoFromWorkingDirectory', () => {
  let dir: string
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenapi-nogit-'))))
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}))

  it('spawns no git outside a checkout (every `list` would pay for one)', async () => {
    const calls: string[][] = []
    const git: Git = (args) => {
      calls.push(args)
      return Promise.resolve({stdout: 'true\n', stderr: '', code: 0})
    }
    expect(await repoFromWorkingDirectory(dir, {}, git)).to.equal(undefined)
    expect(calls).to.deep.equal([])
  })

  it('asks git once a .git is above the working directory', async () => {
    fs.mkdirSync(path.join(dir, '.git'))
    fs.mkdirSync(path.join(dir, 'sub'))
    const calls: string[][] = []
    const git: Git = (args) => {
      calls.push(args)
      return Promise.resolve({stdout: args[0] === 'rev-parse' ? 'true\n' : '', stderr: '', code: 0})
    }
    await repoFromWorkingDirectory(path.join(dir, 'sub'), {}, git)
    expect(calls[0]).to.deep.equal(['rev-parse', '--is-inside-work-tree'])
  })
})
