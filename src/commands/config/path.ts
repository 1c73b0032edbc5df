import {BaseCommand} from '../../base-command.js'
import {ConfigService} from '../../services/config.js'
import {jsonFlags} from '../../output/fields.js'
import {CONFIG_PATH_FIELDS} from '../../output/json-fields.js'

export default class ConfigPath extends BaseCommand {
  static override summary = 'Print the path of the user config file (and of a project file in use).'
  static override flags = {...jsonFlags(CONFIG_PATH_FIELDS)}
  static override examples = ['<%= config.bin %> config path']

  async run(): Promise<{user: string; project: string | null}> {
    await this.parse(ConfigPath)
    const service = new ConfigService(this.io.env, this.io.cwd)
    const resolved = await service.resolve()
    this.out(service.userFile + (resolved.projectFile ? `\n${resolved.projectFile} (project)` : ''))
    return {user: service.userFile, project: resolved.projectFile ?? null}
  }
}
