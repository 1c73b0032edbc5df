import {ApiCommand} from '../api-command.js'
import {ExitCode} from '../cli/exit-codes.js'
import {runDoctor, type Check} from '../services/doctor.js'
import {paint} from '../output/format.js'
import {sanitize} from '../output/sanitize.js'
import {jsonFlags} from '../output/fields.js'
import {DOCTOR_FIELDS} from '../output/json-fields.js'

export default class Doctor extends ApiCommand {
  static override summary = 'Check the set-up: Node.js, config files and modes, token, organization, API reachability, state file.'
  static override description = 'Exits 0 only when every check passes. --org-id checks another organization than the configured one.'
  static override examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --json', '<%= config.bin %> doctor --org-id 57']
  static override flags = {...jsonFlags(DOCTOR_FIELDS)}

  async run(): Promise<{ok: boolean; checks: Check[]}> {
    const {flags} = await this.parse(Doctor)
    const report = await runDoctor({
      env: this.io.env,
      cwd: this.io.cwd,
      limiter: this.io.limiter,
      overrides: {orgId: flags['org-id'], baseUrl: flags['base-url']},
      debug: this.debugLogger(flags.debug),
    })
    for (const c of report.checks) {
      const mark = c.ok ? paint(this.style, 'green', '✓') : paint(this.style, 'red', '✗')
      this.out(
        `${mark} ${c.name.padEnd(20)} ${sanitize(c.detail)}${c.ok || !c.fix ? '' : `\n  ${paint(this.style, 'dim', 'fix:')} ${sanitize(c.fix)}`}`,
      )
    }
    if (!report.ok) this.io.exitCode = ExitCode.ERROR
    return report
  }
}
