import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../base-command.js'
import {usageError} from '../api/errors.js'
import {choose, readSecret, readStdin} from '../cli/input.js'
import {oneLine} from '../output/sanitize.js'
import {checkToken, saveLogin} from '../services/auth.js'
import {parsePositiveInt} from '../services/validate.js'
import {jsonFlags} from '../output/fields.js'
import {LOGIN_FIELDS} from '../output/json-fields.js'

export default class Login extends BaseCommand {
  static override summary = 'Log in: check an API token, pick an organization, and save both.'
  static override description = `Asks for the token with hidden input (get one at https://codegen.com/token), or reads it from stdin with --with-token. The token is checked against the API before it is saved; a single organization is picked without asking.`
  static override examples = [
    '<%= config.bin %> login',
    'pbpaste | <%= config.bin %> login --with-token',
    '<%= config.bin %> login --with-token --org-id 42 < token.txt',
  ]
  static override flags = {
    ...jsonFlags(LOGIN_FIELDS),
    'with-token': Flags.boolean({description: 'Read the token from stdin'}),
    'org-id': Flags.string({description: 'Organization to use (default: ask, or the only one)'}),
  }

  async run(): Promise<{user: string; user_id: number; org_id: number; org_name: string}> {
    const {flags} = await this.parse(Login)
    const wantedOrg = flags['org-id'] === undefined ? undefined : parsePositiveInt(flags['org-id'], '--org-id')
    const raw =
      flags['with-token'] || !this.io.stdin.isTTY
        ? await readStdin(this.io.stdin)
        : await readSecret('Paste your Codegen API token (https://codegen.com/token): ', this.io)
    if (!raw.trim()) throw usageError('No token given.', 'Paste it at the prompt, or pipe it in with --with-token.')
    const {token, user, organizations} = await checkToken(raw, this.contextOptions as typeof this.contextOptions & {env: NodeJS.ProcessEnv})
    if (organizations.length === 0) throw usageError(`${user.github_username} belongs to no organization.`)
    let org: {id: number; name: string} | undefined = wantedOrg === undefined ? undefined : organizations.find((o) => o.id === wantedOrg)
    if (wantedOrg !== undefined && !org) {
      throw usageError(`Organization ${wantedOrg} is not one of yours: ${organizations.map((o) => `${o.id} (${o.name})`).join(', ')}.`)
    }
    if (!org && organizations.length === 1) org = organizations[0]
    org ??= await this.pick(organizations)
    await saveLogin(token, org.id, this.io.env, this.io.cwd)
    this.out(
      `Logged in as ${oneLine(user.github_username)}${user.full_name ? ` (${oneLine(user.full_name)})` : ''}, organization ${oneLine(org.name)} (${org.id}).`,
    )
    return {user: user.github_username, user_id: user.id, org_id: org.id, org_name: org.name}
  }

  private async pick(orgs: {id: number; name: string}[]): Promise<{id: number; name: string}> {
    if (!this.io.stdin.isTTY || !this.io.stderr.isTTY) {
      throw usageError(`You belong to ${orgs.length} organizations: pass --org-id (${orgs.map((o) => `${o.id} ${o.name}`).join(', ')}).`)
    }
    return choose(orgs, (o) => `${o.name} (${o.id})`, 'Organization', this.io)
  }
}
