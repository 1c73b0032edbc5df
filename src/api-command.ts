import {Flags} from '@oclif/core'
import {BaseCommand} from './base-command.js'
import type {ServiceContext} from './services/context.js'

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
}

