import * as Flags from '@oclif/core/flags'
import {ApiCommand} from '../../api-command.js'
import type {AgentRun} from '../../api/schemas.js'
import {readPrompt} from '../../cli/input.js'
import {DEFAULT_WAIT_TIMEOUT, positiveInt, waitFlags} from '../../flags.js'
import {ExitCode} from '../../cli/exit-codes.js'
import {jsonFlags} from '../../output/fields.js'
import {RUN_FIELDS} from '../../output/json-fields.js'
import {parseDuration} from '../../services/duration.js'
import type {SetupCommandsStarted} from '../../services/setup-commands.js'

export default class SetupCommandsGenerate extends ApiCommand {
  static override summary = "Start an agent that works out a repository's setup commands (a paid agent run)."
  static override description = `The agent analyses the repository and writes the commands that set up its sandbox (install, build). It is an agent run like any other: it returns at once with the run's id; --wait follows it, and \`watch\`, \`get\` and \`logs\` work on it.
Like \`new\`, it is never sent twice: when the connection fails after the request went out, it says the run may have been started instead of retrying. At most 5 a minute (the API's limit).`
  static override examples = [
    '<%= config.bin %> setup-commands generate --repo acme/api',
    '<%= config.bin %> setup-commands generate            # in a clone: its GitHub repository',
    '<%= config.bin %> setup-commands generate --repo acme/api --query "Use pnpm, not npm" --wait',
  ]
  static override flags = {
    ...jsonFlags(RUN_FIELDS),
    repo: Flags.string({char: 'r', description: 'Repository as OWNER/NAME', exclusive: ['repo-id']}),
    'repo-id': Flags.custom<number>({description: "The API's repository id", parse: positiveInt('--repo-id')})(),
    query: Flags.string({
      char: 'q',
      description: 'Extra instructions for the agent (optional); `-` reads them from stdin',
      aliases: ['prompt'],
    }),
    'prompt-file': Flags.string({char: 'f', description: 'Read the extra instructions from this file'}),
    ...waitFlags,
  }

  async run(): Promise<AgentRun> {
    const {flags} = await this.parse(SetupCommandsGenerate)
    // Everything local is checked before the first request: a mistake costs nothing.
    if (flags.wait) parseDuration(flags.timeout ?? DEFAULT_WAIT_TIMEOUT)
    const prompt = flags.query !== undefined || flags['prompt-file'] !== undefined ? await readPrompt(flags, this.io) : undefined
    const {startSetupCommands} = await import('../../services/setup-commands.js')
    const ctx = await this.context(flags)
    const lc = await this.lifecycle(ctx, {write: true})
    const {interruptible} = await import('../../cli/interrupt.js')
    // Inside a clone of a GitHub repository, that repository, as for `new` (said before anything is sent).
    const {repoDefault} = await import('../../cli/repo-default.js')
    const request = {repo: await repoDefault(flags, (t) => this.note(t), this.io), repoId: flags['repo-id'], prompt}
    // Recorded in the run state like a run from `new` (so `watch` and `get` follow it); Ctrl-C as in `new`.
    const {value, interrupted} = await interruptible<SetupCommandsStarted>(
      async (opts) => (await lc.startWith((o) => startSetupCommands(ctx, request, o), opts)).started,
      (text) => this.note(text),
    )
    if (!interrupted) return this.started(lc, value.run, 'Created', flags)
    const run = await this.started(lc, value.run, 'Created', {wait: false})
    this.io.exitCode = ExitCode.INTERRUPTED
    return run
  }
}
