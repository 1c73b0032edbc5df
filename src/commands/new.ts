import * as Args from '@oclif/core/args'
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
import {ATTEMPT_FIELDS} from '../output/json-fields.js'
import {repoDefault} from '../cli/repo-default.js'
import type {RunLifecycle} from '../services/lifecycle.js'
import type {NewRunRequest} from '../services/start-run.js'

export default class New extends ApiCommand {
  static override summary = 'Start a new agent run.'
  static override description = `Creates the run and returns at once with its id, status and web URL; --wait follows it to the end.
The prompt comes from the PROMPT argument, --query, --query - (stdin), --prompt-file, or piped stdin. --repo OWNER/NAME is looked up among the organization's repositories; --task adds a short header and instruction from a task template (${TASK_NAMES}); --task-label TEXT uses a label of your own instead. --branch and --pr are always told to the agent in the prompt.
--attempts N (2 to 4) starts the same task N times as a group, to compare the results side by side (\`list --group ID\`, \`watch --group ID\`): N paid runs, so it asks first on a terminal and needs --yes elsewhere. The input is checked once, before the first create; each attempt is one create with its own client request id, never resent; the first attempt that fails or whose outcome is unknown ends the group, and Ctrl-C sends no further attempt. The output says which attempts were created and which may exist.
Every input is checked before anything is sent. If the answer to the create is lost (a reset, a timeout, a gateway error), the run is looked for by the client request id it carries in its metadata, and either reported or named as possibly created: it is never sent twice. Ctrl-C before the request is sent sends nothing; after, it waits for the answer (Ctrl-C again to stop waiting); either way the exit code is 130.`
  static override examples = [
    '<%= config.bin %> new "Add a health check endpoint" --repo acme/api --wait',
    '<%= config.bin %> new --repo Zeeeepa/codegen.py --task CREATE_PLAN --query "Add retry logic to the HTTP client"',
    '<%= config.bin %> new --repo acme/api --task FIX --branch main --query "Login fails with a 500 when the email has a plus sign" --wait',
    'git diff | <%= config.bin %> new --repo acme/api --task REVIEW --query -',
    '<%= config.bin %> new --prompt-file task.md --image screenshot.png --metadata ticket=ENG-42 --json',
    '<%= config.bin %> new --repo acme/api --task FIX --query "Flaky login test" --attempts 3 --yes',
  ]
  static override args = {prompt: Args.string({description: 'The prompt (or --query, --prompt-file, stdin)', required: false})}
  static override flags = {
    ...jsonFlags(ATTEMPT_FIELDS),
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
    attempts: Flags.custom<number>({
      description: 'Start the same task this many times (2 to 4) as a group: that many paid runs',
      parse: (input) => Promise.resolve().then(async () => (await import('../services/attempts.js')).checkAttempts(Number(input))),
    })(),
    yes: Flags.boolean({
      char: 'y',
      description: 'With --attempts: start them without asking (required when there is no terminal to ask on)',
      dependsOn: ['attempts'],
    }),
    ...waitFlags,
  }

  async run(): Promise<AgentRun | unknown[]> {
    const {args, flags} = await this.parse(New)
    // Everything local is checked before the first request: a mistake costs nothing.
    // A bad --timeout is refused before anything is sent.
    if (flags.wait) parseDuration(flags.timeout ?? DEFAULT_WAIT_TIMEOUT)
    const metadata = parseMetadata(flags.metadata)
    const query = await readPrompt({...flags, argument: args.prompt}, this.io)
    const repo = await repoDefault(flags, (t) => this.note(t), this.io)
    const {imageFileToDataUri} = await import('../services/images.js')
    const images = flags.image ? await Promise.all(flags.image.map((f) => imageFileToDataUri(f))) : undefined
    const ctx = await this.context(flags)
    // With no terminal to ask on, --attempts without --yes is refused before any request.
    const {canAsk, confirmOrRefuse} = await import('../cli/confirm.js')
    const {attemptsQuestion} = await import('../cli/attempts.js')
    if (flags.attempts && !flags.yes && !canAsk(this.io))
      await confirmOrRefuse({...attemptsQuestion(flags.attempts, repo), yes: false}, this.io)
    const lc = await this.lifecycle(ctx, {write: true})
    const {interruptible} = await import('../cli/interrupt.js')
    const request: NewRunRequest = {
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
    if (flags.attempts) return this.attempts(lc, request, flags.attempts, flags)
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

  /** --attempts N: checked once, asked once (on a terminal), then N creates, one at a time. */
  private async attempts(
    lc: RunLifecycle,
    request: NewRunRequest,
    n: number,
    flags: {yes?: boolean; wait?: boolean; timeout?: string},
  ): Promise<unknown[]> {
    const {confirmOrRefuse} = await import('../cli/confirm.js')
    const {attemptJson, attemptLine, attemptsQuestion, groupError, groupSummary} = await import('../cli/attempts.js')
    const {startAttempts} = await import('../services/attempts.js')
    const {interruptibleGroup} = await import('../cli/interrupt.js')
    let group
    try {
      const prepared = await lc.prepare(request)
      await confirmOrRefuse(
        {...attemptsQuestion(n, prepared.repo?.full_name ?? request.repo, prepared.parentRunId), yes: flags.yes},
        this.io,
      )
      this.note(`Starting ${n} attempts (${n} paid agent runs); Ctrl-C sends no further attempt.`)
      group = (
        await interruptibleGroup(
          (stop) => startAttempts(lc, request, n, {...stop, prepared}),
          (t) => this.note(t),
        )
      ).value
    } catch (error) {
      await lc.close()
      throw error
    }
    for (const o of group.outcomes) (o.state === 'created' ? (t: string) => this.out(t) : (t: string) => this.note(t))(attemptLine(o, n))
    const ids = group.outcomes.flatMap((o) => (o.created ? [o.created.run.id] : []))
    const failure = groupError(group)
    if (failure) {
      await lc.close()
      this.note(groupSummary(group))
      const {exitCodeFor} = await import('../cli/exit-codes.js')
      this.io.exitCode = exitCodeFor(failure)
      return attemptJson(group)
    }
    this.out(
      `Group ${group.groupId}: compare with \`codegenapi list --group ${group.groupId}\`, follow with \`codegenapi watch --group ${group.groupId}\`.`,
    )
    if (!flags.wait) {
      await lc.close()
      return attemptJson(group)
    }
    const {parseDuration} = await import('../services/duration.js')
    const {worstExitCode} = await import('../services/watch.js')
    let outcome
    try {
      outcome = await lc.watch(ids, {timeoutMs: parseDuration(flags.timeout ?? DEFAULT_WAIT_TIMEOUT)})
    } finally {
      await lc.close()
    }
    const runs = new Map(outcome.runs.flatMap((r) => (r.run ? [[r.id, r.run] as const] : [])))
    const {groupTable} = await import('../output/views.js')
    const byAttempt = group.outcomes.flatMap((o) =>
      o.created ? [{attempt: o.attempt, run: runs.get(o.created.run.id) ?? o.created.run}] : [],
    )
    this.out(groupTable(byAttempt, this.style))
    if (outcome.timedOut) this.note(`Timed out after ${flags.timeout ?? DEFAULT_WAIT_TIMEOUT}.`)
    this.io.exitCode = worstExitCode(outcome)
    return attemptJson(group, runs)
  }
}
