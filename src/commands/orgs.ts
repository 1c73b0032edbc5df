import {ApiCommand} from '../api-command.js'
import type {Organization} from '../api/schemas.js'
import {listOrganizations} from '../services/orgs.js'
import {orgsTable} from '../output/views.js'
import {jsonFlags} from '../output/fields.js'
import {ORG_FIELDS} from '../output/json-fields.js'

export default class Orgs extends ApiCommand {
  static override summary = 'List the organizations your token can use.'
  static override flags = {...jsonFlags(ORG_FIELDS)}
  static override examples = ['<%= config.bin %> orgs', '<%= config.bin %> orgs --json']

  async run(): Promise<Organization[]> {
    const {flags} = await this.parse(Orgs)
    const ctx = await this.context(flags)
    const orgs = await listOrganizations(ctx)
    this.out(orgs.length ? orgsTable(orgs, this.style, ctx.config.orgId) : 'No organizations.')
    return orgs
  }
}
