import * as Args from '@oclif/core/args'
import {ApiCommand} from '../../../api-command.js'
import {jsonFlags} from '../../../output/fields.js'
import {CHECK_SUITE_FIELDS} from '../../../output/rest-json-fields.js'
import {checkSuiteView} from '../../../output/rest-views.js'
import type {CheckSuiteResult} from '../../../services/check-suite.js'

export default class CheckSuiteGet extends ApiCommand {
  static override summary = "Show a repository's check-suite settings: how the agent treats failing CI checks."
  static override examples = ['<%= config.bin %> repos check-suite get acme/api', '<%= config.bin %> repos check-suite get 3001 --json']
  static override flags = {...jsonFlags(CHECK_SUITE_FIELDS)}
  static override args = {
    repo: Args.string({name: 'REPO', description: "Repository as OWNER/NAME, or the API's repository id", required: true}),
  }

  async run(): Promise<CheckSuiteResult> {
    const {args, flags} = await this.parse(CheckSuiteGet)
    const {getCheckSuite} = await import('../../../services/check-suite.js')
    const ctx = await this.context(flags)
    const result = await getCheckSuite(ctx, args.repo)
    this.out(checkSuiteView(result, this.style))
    return result
  }
}
