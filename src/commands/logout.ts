import {BaseCommand} from '../base-command.js'
import {logout} from '../services/auth.js'
import {jsonFlags} from '../output/fields.js'
import {LOGOUT_FIELDS} from '../output/json-fields.js'

export default class Logout extends BaseCommand {
  static override summary = 'Remove the API token from your user config file.'
  static override flags = {...jsonFlags(LOGOUT_FIELDS)}
  static override examples = ['<%= config.bin %> logout']

  async run(): Promise<{removed: boolean}> {
    await this.parse(Logout)
    const result = await logout(this.io.env, this.io.cwd)
    this.out(result.removed ? 'Logged out: the token was removed.' : 'No token was stored.')
    if (this.io.env.CODEGEN_API_TOKEN) this.warn('CODEGEN_API_TOKEN is still set in the environment.')
    return result
  }
}
