import * as Flags from '@oclif/core/flags'
import {ApiCommand} from '../api-command.js'
import type {AgentRun} from '../api/schemas.js'
import {positiveInt, waitFlags, DEFAULT_WAIT_TIMEOUT} from '../flags.js'
import {parseMetadata, readPrompt} from '../cli/input.js'
import {parseDuration} from '../services/duration.js'
import {AGENT_TYPES, type CreatedRun} from '../services/runs.js'
import {ExitCode} from '../cli/exit-codes.js'
import {TASK_NAMES} from '../cli/help-text.js'
import {jsonFlags} from '../output/fields.js'
import {RUN_FIELDS} from '../output/json-fields.js'
import {repoDefault} from '../cli/repo-default.js'

export default class New extends ApiCommand {
  static override summary = 'Start a new agent run.'
  static override description = `Creates the run and returns at once with its id, status and web URL; --wait follows it to the end.
The prompt comes from --query, --query - (stdin), --prompt-file, or piped stdin. --repo OWNER/NAME is looked up among the organization's repositories; --task adds a short header and instruction from a task template (${TASK_NAMES}); --task-label TEXT uses a label of your own instead. --branch and --pr are always told to the agent in the prompt.
Every input is checked before anything is sent. If the answer to the create is lost (a reset, a timeout, a gateway error), the run is looked for by the client request id it carries in its metadata, and either reported or named as possibly created: it is never sent twice. Ctrl-C before the request is sent sends nothing; after, it waits for the answer (Ctrl-C again to stop waiting); either way the exit code is 130.`
  static override examples = [
    '<%= config.bin %> new --repo Zeeeepa/codegen.py --task CREATE_PLAN --query "Add retry logic to the HTTP client"',
    '<%= config.bin %> new --repo acme/api --task FIX --branch main --query "Login fails with a 500 when the email has a plus sign" --wait',
    'git diff | <%= config.bin %> new --repo acme/api --task REVIEW --query -',
    '<%= config.bin %> new --prompt-file task.md --image screenshot.png --metadata ticket=ENG-42 --json',
  ]
  static override flags = {
    ...jsonFlags(RUN_FIELDS),
    query: Flags.string({char: 'q', description: 'The prompt; `-` reads it from stdin', aliases: ['prompt']}),
    'prompt-file': Flags.string({char: 'f', description: 'Read the prompt from this file'}),
    repo: Flags.string({char: 'r', description: 'Repository as OWNER/NAME', exclusive: ['repo-id']}),
    'repo-id': Flags.custom<number>({description: "The API's repository id", parse: positiveInt('--repo-id')})(),
    task: Flags.string({
      char: 't',
      description: `Task template: ${TASK_NAMES}`,
      exclusive: ['task-label'],
    }),
    'task-label': Flags.string({description: 'A task label of your own (letters, digits, spaces, - or _), instead of a template'}),
    branch: Flags.string({char: 'b', description: 'Branch to work on'}),
    pr: Flags.custom<number>({description: 'Pull request number', parse: positiveInt('--pr')})(),
    model: Flags.string({description: 'Model to use (default: the organization default)'}),
    'agent-type': Flags.string({description: 'Agent type', options: [...AGENT_TYPES]}),
    metadata: Flags.string({char: 'm', description: 'Extra metadata as key=value (repeatable)', multiple: true}),
    image: Flags.string({char: 'i', description: 'Image file to attach: PNG, JPEG, GIF or WebP, up to 10 MB (repeatable)', multiple: true}),
    parent: Flags.custom<number>({
      description:
        'Parent agent run to report to when this one finishes (default: CODEGEN_PARENT_RUN_ID); checked before the run is created',
      parse: positiveInt('--parent'),
    })(),
    ...waitFlags,
  }

  async run(): Promise<AgentRun> {
    const {flags} = await this.parse(New)
    // Everything local is checked before the first request: a mistake costs nothing.
    // A bad --timeout is refused before anything is sent.
    if (flags.wait) parseDuration(flags.timeout ?? DEFAULT_WAIT_TIMEOUT)
    const metadata = parseMetadata(flags.metadata)
    const query = await readPrompt(flags, this.io)
    const repo = await repoDefault(flags, (t) => this.note(t), this.io)
    const {imageFileToDataUri} = await import('../services/images.js')
    const images = flags.image ? await Promise.all(flags.image.map((f) => imageFileToDataUri(f))) : undefined
    const ctx = await this.context(flags)
    const lc = await this.lifecycle(ctx, {write: true})
    const {interruptible} = await import('../cli/interrupt.js')
    const request = {
      query,
      repo,
      repoId: flags['repo-id'],
      task: flags.task,
      taskLabel: flags['task-label'],
      branch: flags.branch,
      pr: flags.pr,
      model: flags.model,
      agentType: flags['agent-type'],
      metadata,
      images,
      parentRunId: flags.parent,
    }
    const {value: created, interrupted} = await interruptible<CreatedRun>(
      async (opts) => (await lc.start(request, opts)).created,
      (text) => this.note(text),
    )
    if (created.recoveredFrom) {
      this.note(`The answer to the create was lost; the run was found by its client request id: created: ${created.run.id}.`)
    }
    if (!interrupted) return this.started(lc, created.run, 'Created', flags)
    const run = await this.started(lc, created.run, 'Created', {wait: false})
    this.io.exitCode = ExitCode.INTERRUPTED
    return run
  }
}
