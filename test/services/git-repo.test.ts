import {expect} from 'chai'
import {parseGitHubRemote} from '../../src/services/git-repo.js'

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
