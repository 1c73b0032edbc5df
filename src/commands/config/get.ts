import * as Args from '@oclif/core/args'
import {BaseCommand} from '../../base-command.js'
import {canonicalKey, ConfigService, type ConfigEntry} from '../../services/config.js'
import {jsonFlags} from '../../output/fields.js'
import {CONFIG_FIELDS} from '../../output/json-fields.js'

export default class ConfigGet extends BaseCommand {
  static override summary = 'Show the value in effect for a key, and where it comes from (the token is masked).'
  static override flags = {...jsonFlags(CONFIG_FIELDS)}
  static override examples = ['<%= config.bin %> config get org-id', '<%= config.bin %> config get api-token --json']
  static override args = {key: Args.string({description: 'api-token, org-id or base-url', required: true})}

  async run(): Promise<ConfigEntry> {
    const {args} = await this.parse(ConfigGet)
    const key = canonicalKey(args.key)
    const service = new ConfigService(this.io.env, this.io.cwd)
    const resolved = await service.resolve()
    // What a project file tried and was refused is worth seeing here too (e.g. a base-url ignored).
    for (const w of resolved.warnings) this.warn(w)
    const entry = (await service.entries({}, resolved)).find((e) => e.key === key)!
    this.out(entry.set ? `${entry.value}  (${entry.source})` : `${entry.key} is not set`)
    return entry
  }
}
