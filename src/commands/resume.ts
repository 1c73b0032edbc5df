import * as Flags from '@oclif/core/flags'
import {ApiCommand} from '../api-command.js'
import {usageError} from '../api/errors.js'
import type {AgentRun} from '../api/schemas.js'
import {positiveInt, runIdArg, waitFlags, DEFAULT_WAIT_TIMEOUT} from '../flags.js'
import {readPrompt} from '../cli/input.js'
import {parseDuration} from '../services/duration.js'
import {ExitCode} from '../cli/exit-codes.js'
import {jsonFlags} from '../output/fields.js'
import {RUN_FIELDS} from '../output/json-fields.js'

export default class Resume extends ApiCommand {
  static override summary = 'Resume a COMPLETE agent run with a follow-up prompt.'
  static override description = `Refuses, sending nothing, unless the run is COMPLETE; the error names its current status.
If the answer to the resume is lost (a reset, a timeout, a gateway error), it says the run may have been resumed and how to check: it is never sent twice. Ctrl-C works as for \`new\` (exit 130).`
  static override examples = [
    '<%= config.bin %> resume 11745 --query "Also add tests for the retry path"',
    '<%= config.bin %> resume --agent_run_id 11745 --query "Address the review comments" --wait',
  ]
  static override args = {agentRunId: runIdArg({required: false})}
  static override flags = {
    ...jsonFlags(RUN_FIELDS),
    'agent-run-id': Flags.custom<number>({
      description: 'The run to resume (instead of the argument)',
      parse: positiveInt('--agent-run-id'),
      aliases: ['agent_run_id'],
    })(),
    query: Flags.string({char: 'q', description: 'The follow-up prompt; `-` reads it from stdin', aliases: ['prompt']}),
    'prompt-file': Flags.string({char: 'f', description: 'Read the prompt from this file'}),
    task: Flags.string({char: 't', description: 'Task template for the follow-up (as for `new`)', exclusive: ['task-label']}),
    'task-label': Flags.string({description: 'A task label of your own, instead of a template'}),
    image: Flags.string({char: 'i', description: 'Image file to attach (repeatable)', multiple: true}),
    ...waitFlags,
  }

  async run(): Promise<AgentRun> {
    const {args, flags} = await this.parse(Resume)
    if (args.agentRunId !== undefined && flags['agent-run-id'] !== undefined && args.agentRunId !== flags['agent-run-id']) {
      throw usageError('The run id is given twice, with different values.')
    }
    const runId = args.agentRunId ?? flags['agent-run-id']
    if (runId === undefined)
      throw usageError('Which run? Give AGENT_RUN_ID or --agent-run-id.', 'Example: codegenapi resume 11745 --query "..."')
    // A bad --timeout is refused before anything is sent.
    if (flags.wait) parseDuration(flags.timeout ?? DEFAULT_WAIT_TIMEOUT)
    const query = await readPrompt(flags, this.io)
    const {imageFileToDataUri} = await import('../services/images.js')
    const images = flags.image ? await Promise.all(flags.image.map((f) => imageFileToDataUri(f))) : undefined
    const ctx = await this.context(flags)
    const lc = await this.lifecycle(ctx, {write: true})
    const {interruptible} = await import('../cli/interrupt.js')
    const request = {runId, query, task: flags.task, taskLabel: flags['task-label'], images}
    const {value: run, interrupted} = await interruptible<AgentRun>(
      async (opts) => (await lc.resume(request, opts)).run,
      (text) => this.note(text),
    )
    if (!interrupted) return this.started(lc, run, 'Resumed', flags)
    await this.started(lc, run, 'Resumed', {wait: false})
    this.io.exitCode = ExitCode.INTERRUPTED
    return run
  }
}
