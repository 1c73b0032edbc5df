import * as Flags from '@oclif/core/flags'
import {ApiCommand} from '../api-command.js'
import type {Repo} from '../api/schemas.js'
import {limitFlag, wideFlag} from '../flags.js'
import {listRepos} from '../services/repos.js'
import {reposTable} from '../output/views.js'
import {cutToLimit} from '../output/more.js'
import {jsonFlags} from '../output/fields.js'
import {REPO_FIELDS} from '../output/json-fields.js'

export default class Repos extends ApiCommand {
  static override summary = 'List the repositories of the organization.'
  static override examples = [
    '<%= config.bin %> repos',
    '<%= config.bin %> repos --search codegen --json',
    '<%= config.bin %> repos --limit 500',
  ]
  static override flags = {
    ...jsonFlags(REPO_FIELDS),
    wide: wideFlag,
    limit: limitFlag(50, 'Maximum number of repositories'),
    search: Flags.string({char: 's', description: 'Only repositories whose name or description contains this text'}),
  }

  async run(): Promise<Repo[]> {
    const {flags} = await this.parse(Repos)
    this.wide(flags.wide)
    const ctx = await this.context(flags)
    const {rows: repos, note} = cutToLimit(
      await listRepos(ctx, {limit: flags.limit + 1, search: flags.search}),
      flags.limit,
      'repositories',
    )
    this.out(repos.length ? reposTable(repos, this.style) : 'No repositories.')
    if (note && !this.jsonEnabled()) this.note(note)
    return repos
  }
}
