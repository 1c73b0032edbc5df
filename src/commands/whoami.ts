import {ApiCommand} from '../api-command.js'
import type {User} from '../api/schemas.js'
import {getCurrentUser} from '../services/users.js'
import {userDetail} from '../output/views.js'
import {jsonFlags} from '../output/fields.js'
import {USER_FIELDS} from '../output/json-fields.js'

export default class Whoami extends ApiCommand {
  static override summary = 'Show who the token belongs to (same as `users me`).'
  static override flags = {...jsonFlags(USER_FIELDS)}
  static override examples = ['<%= config.bin %> whoami', '<%= config.bin %> whoami --json']

  async run(): Promise<User> {
    const {flags} = await this.parse(Whoami)
    const user = await getCurrentUser(await this.context(flags))
    this.out(userDetail(user, this.style))
    return user
  }
}
