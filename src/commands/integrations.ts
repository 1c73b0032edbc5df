import {ApiCommand} from '../api-command.js'
import {jsonFlags} from '../output/fields.js'
import {INTEGRATIONS_FIELDS} from '../output/rest-json-fields.js'
import {integrationsView} from '../output/rest-views.js'
import type {IntegrationsResult} from '../services/integrations.js'

export default class Integrations extends ApiCommand {
  static override summary = "The organization's integrations (GitHub, Slack, Linear...), and which OAuth providers are connected for you."
  static override flags = {...jsonFlags(INTEGRATIONS_FIELDS)}
  static override examples = ['<%= config.bin %> integrations', '<%= config.bin %> integrations --json oauth']

  async run(): Promise<IntegrationsResult> {
    const {flags} = await this.parse(Integrations)
    const {listIntegrations} = await import('../services/integrations.js')
    const ctx = await this.context(flags)
    const result = await listIntegrations(ctx)
    this.out(integrationsView(result, this.style))
    return result
  }
}
