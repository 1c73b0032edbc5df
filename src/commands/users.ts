import * as Args from '@oclif/core/args'
import {ApiCommand} from '../api-command.js'
import type {User} from '../api/schemas.js'
import {limitFlag, skipFlag, wideFlag} from '../flags.js'
import {parsePositiveInt} from '../services/validate.js'
import {getCurrentUser, getUser, listUsers} from '../services/users.js'
import {userDetail, usersTable} from '../output/views.js'
import {cutToLimit} from '../output/more.js'
import {jsonFlags} from '../output/fields.js'
import {USER_FIELDS} from '../output/json-fields.js'

export default class Users extends ApiCommand {
  static override summary = 'List the users of the organization, or show one user.'
  static override description =
    'With no argument, lists users (paging through the API past 100). With USER_ID, shows that user; with `me`, the owner of the token.'
  static override examples = [
    '<%= config.bin %> users',
    '<%= config.bin %> users --limit 250 --json',
    '<%= config.bin %> users 1001',
    '<%= config.bin %> users me',
  ]
  static override args = {
    user: Args.string({description: 'A user id, or `me`', required: false}),
  }
  static override flags = {
    ...jsonFlags(USER_FIELDS),
    wide: wideFlag,
    limit: limitFlag(50, 'Maximum number of users'),
    skip: skipFlag('Users to skip'),
  }

  async run(): Promise<User | User[]> {
    const {args, flags} = await this.parse(Users)
    this.wide(flags.wide)
    const userId = args.user === undefined || args.user === 'me' ? undefined : parsePositiveInt(args.user, 'USER_ID')
    const ctx = await this.context(flags)
    if (args.user === 'me' || userId !== undefined) {
      const user = userId === undefined ? await getCurrentUser(ctx) : await getUser(ctx, userId)
      this.out(userDetail(user, this.style))
      return user
    }
    const {rows: users, note} = cutToLimit(await listUsers(ctx, {limit: flags.limit + 1, skip: flags.skip}), flags.limit, 'users')
    this.out(users.length ? usersTable(users, this.style) : 'No users.')
    if (note && !this.jsonEnabled()) this.note(note)
    return users
  }
}
