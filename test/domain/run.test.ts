import {expect} from 'chai'
import type {AgentRun} from '../../src/api/schemas.js'
import {isOnRepo, parentOf, parseRecord, recordFromRun, repoOf, titleOf, validId, type RunRecord} from '../../src/domain/run.js'

const run = (patch: Partial<AgentRun> = {}): AgentRun => ({
  id: 7001,
  organization_id: 42,
  status: 'ACTIVE',
  created_at: '2026-11-30T00:00:00Z',
  web_url: null,
  result: null,
  summary: null,
  source_type: 'API',
  github_pull_requests: [],
  metadata: null,
  ...patch,
})

describe('domain: what a run is', () => {
  it('one repository rule: metadata names, then repo_id through the cache, then the record, then PRs', () => {
    const repos = new Map([[3001, 'acme/safety-core']])
    expect(repoOf(run({metadata: {repository: 'acme/api'}}), {repos})).to.equal('acme/api')
    expect(repoOf(run({metadata: {source: 'codegenapi', repo_id: 3001}}), {repos})).to.equal('acme/safety-core')
    const pr = {id: 1, title: 't', url: 'https://github.com/acme/ui/pull/7', created_at: '', head_branch_name: null}
    expect(repoOf(run({github_pull_requests: [pr]}))).to.equal('acme/ui')
    expect(repoOf(run())).to.equal(undefined)
    // Only a github.com pull request URL names a repository; owners or names of dots do not.
    const at = (url: string) => repoOf(run({github_pull_requests: [{...pr, url}]}))
    expect(at('https://github.com/acme/ui/pull/7/files?x=1')).to.equal('acme/ui')
    expect(at('https://github.com/../ui/pull/7')).to.equal(undefined)
    expect(at('https://evil.example/acme/ui/pull/7')).to.equal(undefined)
    // list --repo: by id, by name, by NAME alone.
    expect(isOnRepo(run({metadata: {repo_id: 3001}}), {name: 'acme/safety-core', ids: [3001]})).to.equal(true)
    expect(isOnRepo(run({metadata: {repo_name: 'acme/api'}}), {name: 'api'})).to.equal(true)
    expect(isOnRepo(run({metadata: {repo: 'acme/api'}}), {name: 'acme/web', ids: [3002]})).to.equal(false)
  })

  it('F-6: a parent comes only from the local record, within the id range; never from API metadata', () => {
    const child = run({metadata: {parent_run_id: 7059}})
    expect(recordFromRun(child).parent_run_id ?? null).to.equal(null)
    const recorded = {...recordFromRun(child), parent_run_id: 7059}
    expect(parentOf(recordFromRun(child, recorded))).to.equal(7059)
    for (const bad of ['99999999999', '-3', '1.5', 'abc', 0, 2 ** 31]) expect(validId(bad), String(bad)).to.equal(undefined)
    expect(parseRecord({...recorded, parent_run_id: 99_999_999_999})).to.equal(undefined)
  })

  it('a finished child owes its parent a report, whoever saw it finish', () => {
    const recorded: RunRecord = {...recordFromRun(run()), parent_run_id: 7059}
    expect(recordFromRun(run({status: 'COMPLETE'}), recorded).parent_report).to.equal('pending')
    expect(recordFromRun(run({status: 'COMPLETE'}), {...recorded, parent_report: 'sent'}).parent_report).to.equal('sent')
  })

  it('F-69: records with wrong types are dropped', () => {
    const good = {id: 1, status: 'ACTIVE', prs: [], watched_since: '2026-01-01T00:00:00Z', watched: true}
    expect(parseRecord(good)).to.include({id: 1})
    expect(parseRecord({...good, summary: {a: 1}})).to.equal(undefined)
    expect(parseRecord({...good, repo: 42})).to.equal(undefined)
    expect(parseRecord({...good, prs: [null]})).to.equal(undefined)
    expect(parseRecord(null)).to.equal(undefined)
  })

  it('the title is the first line of metadata.title, if any', () => {
    expect(titleOf(run({metadata: {title: '\n  Fix the login\nmore'}}))).to.equal('Fix the login')
    expect(titleOf(run({metadata: {title: 42}}))).to.equal(undefined)
    expect(titleOf(run())).to.equal(undefined)
  })
})
