import * as Flags from '@oclif/core/flags'
import type {AgentRun} from './api/schemas.js'
import {BaseCommand} from './base-command.js'
import {DEFAULT_WAIT_TIMEOUT} from './flags.js'
import {paint} from './output/format.js'
import {runDetail} from './output/views.js'
import type {ServiceContext} from './services/context.js'
import {parseDuration} from './services/duration.js'

/** Commands that talk to the API: `--org-id` and `--base-url` beat env and config files. */
export abstract class ApiCommand extends BaseCommand {
  static override baseFlags = {
    ...BaseCommand.baseFlags,
    'org-id': Flags.string({description: 'Organization id (overrides CODEGEN_ORG_ID and config).', helpGroup: 'GLOBAL'}),
    'base-url': Flags.string({description: 'API origin (overrides CODEGEN_API_BASE_URL and config).', helpGroup: 'GLOBAL', hidden: true}),
  }

  protected async context(flags: {'org-id'?: string; 'base-url'?: string; debug?: boolean}): Promise<ServiceContext> {
    const {createContext} = await import('./services/context.js')
    const ctx = await createContext({
      overrides: {orgId: flags['org-id'], baseUrl: flags['base-url']},
      debug: this.debugLogger(flags.debug),
    })
    for (const warning of ctx.config.warnings) this.warn(warning)
    return ctx
  }

  /**
   * After `new` or `resume`: record the run in the local run state (so `watch` and an MCP server follow
   * it and its parent report), then either say it started or, with --wait, follow it to the end.
   */
  protected async started(
    ctx: ServiceContext,
    run: AgentRun,
    verb: 'Created' | 'Resumed',
    wait: {wait?: boolean; timeout?: string},
  ): Promise<AgentRun> {
    const {rememberRun} = await import('./services/watch.js')
    await rememberRun(run).catch((error) => this.warn(`Could not record run ${run.id} in the local run state: ${(error as Error).message}`))
    if (!wait.wait) {
      this.out(
        `${paint(this.style, 'green', '✓')} ${verb} agent run ${run.id} (${run.status ?? 'unknown'})${run.web_url ? `\n${run.web_url}` : ''}`,
      )
      return run
    }
    this.note(`${verb} agent run ${run.id}${run.web_url ? `: ${run.web_url}` : ''}`)
    return this.waitAndShow(ctx, run.id, wait.timeout)
  }

  /** --wait: poll until the run is final; exit 0 COMPLETE, 6 another final status, 124 timed out. */
  protected async waitAndShow(ctx: ServiceContext, runId: number, timeout = DEFAULT_WAIT_TIMEOUT): Promise<AgentRun> {
    const {waitWithSpinner} = await import('./cli/wait.js')
    const result = await waitWithSpinner(ctx, runId, parseDuration(timeout))
    this.out(runDetail(result.run, this.style))
    if (result.timedOut) this.note(`Timed out after ${timeout}: agent run ${runId} is still ${result.run.status}.`)
    process.exitCode = result.exitCode
    return result.run
  }
}
