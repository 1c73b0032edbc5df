import * as Flags from '@oclif/core/flags'
import {CodegenError} from './api/errors.js'
import type {AgentRun} from './api/schemas.js'
import {BaseCommand} from './base-command.js'
import {DEFAULT_WAIT_TIMEOUT} from './flags.js'
import {paint} from './output/format.js'
import {oneLine} from './output/sanitize.js'
import {runDetail} from './output/views.js'
import type {ServiceContext} from './services/context.js'
import {parseDuration} from './services/duration.js'
import type {RunLifecycle} from './services/lifecycle.js'

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
      ...this.contextOptions,
      overrides: {orgId: flags['org-id'], baseUrl: flags['base-url']},
      debug: this.debugLogger(flags.debug),
      notice: this.retryNotice(flags.debug),
    })
    for (const warning of ctx.config.warnings) this.warn(warning)
    return ctx
  }

  /**
   * The run lifecycle every run command goes through (the MCP server uses the same one). `write: false`
   * for commands that only read: they never start, resume or report to a parent. Its notes (a state
   * file set aside, a record that could not be written) go to stderr.
   */
  /** A run as the API has it now (never the stored copy), read through a read-only lifecycle that records it. */
  protected async freshRun(ctx: ServiceContext, runId: number): Promise<AgentRun> {
    const lc = await this.lifecycle(ctx, {write: false})
    try {
      return (await lc.get(runId, {fallback: false})).run
    } finally {
      await lc.close()
    }
  }

  protected async lifecycle(ctx: ServiceContext, opts: {write: boolean; debug?: boolean}): Promise<RunLifecycle> {
    const {RunLifecycle} = await import('./services/lifecycle.js')
    return RunLifecycle.open({
      context: () => Promise.resolve(ctx),
      env: ctx.env,
      write: opts.write,
      log: (level, message) => {
        if (level === 'warning' || level === 'error') this.warn(oneLine(message))
        else if (level === 'info') this.note(oneLine(message))
        else ctx.debug?.(message)
      },
    })
  }

  /**
   * After `new` or `resume` (recorded by the lifecycle): either say it started or, with --wait, follow
   * it to the end.
   */
  protected async started(
    lc: RunLifecycle,
    run: AgentRun,
    verb: 'Created' | 'Resumed',
    wait: {wait?: boolean; timeout?: string},
  ): Promise<AgentRun> {
    if (!wait.wait) {
      await lc.close()
      this.out(
        `${paint(this.style, 'green', '✓')} ${verb} agent run ${run.id} (${oneLine(run.status ?? 'unknown')})${run.web_url ? `\n${oneLine(run.web_url)}` : ''}`,
      )
      return run
    }
    this.note(`${verb} agent run ${run.id}${run.web_url ? `: ${oneLine(run.web_url)}` : ''}`)
    return this.waitAndShow(lc, run.id, wait.timeout)
  }

  /**
   * --wait: the lifecycle's monitor follows the run until it is final (its record updated, F-32); exit 0
   * COMPLETE, 6 another final status, 124 timed out, 4 no such run.
   */
  protected async waitAndShow(lc: RunLifecycle, runId: number, timeout = DEFAULT_WAIT_TIMEOUT): Promise<AgentRun> {
    const {waitWithSpinner} = await import('./cli/wait.js')
    let result
    try {
      result = await waitWithSpinner(lc, runId, parseDuration(timeout), this.io)
    } finally {
      await lc.close()
    }
    if (result.missing)
      throw new CodegenError('not_found', `Agent run ${runId} was not found.`, {hint: 'See your runs with `codegenapi list`.'})
    this.out(runDetail(result.run, this.style))
    if (result.timedOut) this.note(`Timed out after ${timeout}: agent run ${runId} is still ${oneLine(result.run.status ?? 'unknown')}.`)
    this.io.exitCode = result.exitCode
    return result.run
  }
}
