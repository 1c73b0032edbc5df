import * as Args from '@oclif/core/args'
import path from 'node:path'
import {BaseCommand} from '../../base-command.js'

/**
 * Replaces @oclif/plugin-autocomplete's hidden `autocomplete script`: the line it prints for ~/.bashrc
 * or ~/.zshrc sourced a cache that only `codegenapi autocomplete` builds, so the set-up as printed gave
 * no completion (F-57). This line builds the cache the first time a shell starts without it.
 */
export default class AutocompleteScript extends BaseCommand {
  static override summary = 'Print the line that sets up shell completion (used by `codegenapi autocomplete`).'
  static override hidden = true
  static override enableJsonFlag = false
  static override args = {shell: Args.string({description: 'Shell type', options: ['zsh', 'bash', 'powershell'], required: false})}

  async run(): Promise<void> {
    const {args} = await this.parse(AutocompleteScript)
    const shell = args.shell ?? this.config.shell
    const bin = this.config.bin
    const dir = path.join(this.config.cacheDir, 'autocomplete')
    if (shell === 'powershell') {
      this.log(`. ${path.join(dir, 'functions', 'powershell', `${bin}.ps1`)}`)
      return
    }
    const setup = `${bin.toUpperCase().replaceAll('-', '_')}_AC_${shell.toUpperCase()}_SETUP_PATH`
    const file = path.join(dir, `${shell}_setup`)
    this.log(
      `\n${setup}=${file} && { test -f $${setup} || ${bin} autocomplete create >/dev/null 2>&1; } && test -f $${setup} && source $${setup}; # ${bin} autocomplete setup`,
    )
  }
}
