import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {ApiCommand} from '../../../api-command.js'
import {usageError} from '../../../api/errors.js'
import {jsonFlags} from '../../../output/fields.js'
import {paint} from '../../../output/format.js'
import {CHECK_SUITE_SET_FIELDS} from '../../../output/rest-json-fields.js'
import {checkSuiteView} from '../../../output/rest-views.js'
import {checkChange, MAX_CHECK_RETRIES, parseList, parsePairs, type CheckSuiteUpdateResult} from '../../../services/check-suite.js'

const count = (raw: string, what: string): number => {
  if (!/^\s*\d+\s*$/.test(raw))
    throw usageError(`${what} must be a whole number from 0 to ${MAX_CHECK_RETRIES}, got ${JSON.stringify(raw)}.`)
  return Number(raw)
}

export default class CheckSuiteSet extends ApiCommand {
  static override summary = "Change a repository's check-suite settings."
  static override description = `Only the settings given are sent; the others stay as they are. A list or map given replaces the whole of it (an empty value clears it). The settings are read back and shown after the change.`
  static override examples = [
    '<%= config.bin %> repos check-suite set acme/api --retry-count 2',
    '<%= config.bin %> repos check-suite set acme/api --ignore-checks lint,docs --check-retries test=3',
    '<%= config.bin %> repos check-suite set acme/api --custom-prompt "test=Fix flaky tests before anything else"',
    '<%= config.bin %> repos check-suite set acme/api --ignore-checks ""   # clear the list',
  ]
  static override args = {
    repo: Args.string({name: 'REPO', description: "Repository as OWNER/NAME, or the API's repository id", required: true}),
  }
  static override flags = {
    ...jsonFlags(CHECK_SUITE_SET_FIELDS),
    'retry-count': Flags.string({description: `How often a failed check is retried (0-${MAX_CHECK_RETRIES}), all checks`}),
    'ignore-checks': Flags.string({description: 'Checks to ignore, comma-separated (replaces the list; "" clears it)', multiple: true}),
    'check-retries': Flags.string({description: 'Retry count of one check as CHECK=N (repeatable; replaces the map)', multiple: true}),
    'custom-prompt': Flags.string({description: 'Instructions for one check as CHECK=TEXT (repeatable; replaces the map)', multiple: true}),
    'high-priority-apps': Flags.string({
      description: 'Apps whose failures are handled at once, comma-separated (replaces the list; "" clears it)',
      multiple: true,
    }),
  }

  async run(): Promise<CheckSuiteUpdateResult> {
    const {args, flags} = await this.parse(CheckSuiteSet)
    const clear = (v: string[] | undefined) => (v !== undefined && v.every((s) => !s.trim()) ? [] : v)
    // Everything is checked before the first request.
    const change = checkChange({
      check_retry_count: flags['retry-count'] === undefined ? undefined : count(flags['retry-count'], '--retry-count'),
      ignored_checks: parseList(clear(flags['ignore-checks'])),
      check_retry_counts:
        emptyMap(flags['check-retries']) ??
        parsePairs(flags['check-retries'], '--check-retries', (raw, name) => count(raw, `The retry count of ${name}`)),
      custom_prompts: emptyMap(flags['custom-prompt']) ?? parsePairs(flags['custom-prompt'], '--custom-prompt', (raw) => raw),
      high_priority_apps: parseList(clear(flags['high-priority-apps'])),
    })
    const {setCheckSuite} = await import('../../../services/check-suite.js')
    const ctx = await this.context(flags)
    const result = await setCheckSuite(ctx, args.repo, change)
    this.out(`${paint(this.style, 'green', '✓')} Changed ${Object.keys(result.changed).join(', ')}.\n${checkSuiteView(result, this.style)}`)
    return result
  }
}

/** `--check-retries ""` clears the map. */
function emptyMap(values: string[] | undefined): Record<string, never> | undefined {
  return values !== undefined && values.every((s) => !s.trim()) ? {} : undefined
}
