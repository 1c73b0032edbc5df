import {BaseCommand} from '../../base-command.js'
import {ConfigService, type ConfigEntry} from '../../services/config.js'
import {renderTable} from '../../output/table.js'
import {jsonFlags} from '../../output/fields.js'
import {CONFIG_FIELDS} from '../../output/json-fields.js'

export default class ConfigList extends BaseCommand {
  static override summary = 'List every key with the value in effect and its source (the token is masked).'
  static override flags = {...jsonFlags(CONFIG_FIELDS)}
  static override examples = ['<%= config.bin %> config list', '<%= config.bin %> config list --json']

  async run(): Promise<ConfigEntry[]> {
    await this.parse(ConfigList)
    const service = new ConfigService(this.io.env, this.io.cwd)
    const resolved = await service.resolve()
    for (const w of resolved.warnings) this.warn(w)
    const entries = await service.entries({}, resolved)
    this.out(
      renderTable(
        entries,
        [
          {header: 'key', get: (e) => e.key},
          {header: 'value', get: (e) => (e.set ? String(e.value) : '(not set)')},
          {header: 'source', get: (e) => e.source ?? ''},
        ],
        this.style,
      ),
    )
    return entries
  }
}
