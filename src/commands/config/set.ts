import * as Args from '@oclif/core/args'
import {BaseCommand} from '../../base-command.js'
import {usageError} from '../../api/errors.js'
import {readSecret} from '../../cli/input.js'
import {ConfigService, canonicalKey, CONFIG_KEYS, type ConfigEntry} from '../../services/config.js'
import {jsonFlags} from '../../output/fields.js'
import {CONFIG_FIELDS} from '../../output/json-fields.js'

export default class ConfigSet extends BaseCommand {
  static override summary = 'Set a configuration value in your user config file.'
  static override flags = {...jsonFlags(CONFIG_FIELDS)}
  static override description = `Keys: api-token (aliases api_token, token), org-id (org_id), base-url.
With no VALUE the value is read from stdin (hidden input on a terminal), so a token never has to be on the command line or in shell history.`
  static override examples = [
    '<%= config.bin %> config set api-token            # asks for the token, input hidden',
    'pbpaste | <%= config.bin %> config set api-token  # or from any pipe',
    '<%= config.bin %> config set org-id 42',
    '<%= config.bin %> config set base-url https://api.codegen.com',
  ]
  static override args = {
    key: Args.string({description: 'api-token, org-id or base-url', required: true}),
    value: Args.string({description: 'The value (omit to read it from stdin)', required: false}),
  }

  async run(): Promise<ConfigEntry> {
    const {args} = await this.parse(ConfigSet)
    const key = canonicalKey(args.key)
    if (args.value !== undefined && CONFIG_KEYS[key].secret) {
      this.warn('The token is now in your shell history. Next time omit VALUE and paste it at the prompt, or pipe it in.')
    }
    const value = args.value ?? (await readSecret(`${key}: `, this.io))
    if (!value.trim()) throw usageError(`No value given for ${key}.`)
    const entry = await new ConfigService(this.io.env, this.io.cwd).set(key, value)
    this.out(`Set ${entry.key} to ${entry.value} in ${new ConfigService(this.io.env, this.io.cwd).userFile}`)
    return entry
  }
}
