import * as Args from '@oclif/core/args'
import {BaseCommand} from '../../base-command.js'
import {ConfigService} from '../../services/config.js'
import {jsonFlags} from '../../output/fields.js'
import {CONFIG_UNSET_FIELDS} from '../../output/json-fields.js'

export default class ConfigUnset extends BaseCommand {
  static override summary = 'Remove a key from your user config file.'
  static override flags = {...jsonFlags(CONFIG_UNSET_FIELDS)}
  static override examples = ['<%= config.bin %> config unset api-token']
  static override args = {key: Args.string({description: 'api-token, org-id or base-url', required: true})}

  async run(): Promise<{key: string; removed: boolean}> {
    const {args} = await this.parse(ConfigUnset)
    const result = await new ConfigService(this.io.env, this.io.cwd).unset(args.key)
    this.out(result.removed ? `Removed ${result.key}.` : `${result.key} was not set in the user config file.`)
    return result
  }
}
