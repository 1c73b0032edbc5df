import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import type * as Interfaces from '@oclif/core/interfaces'
import {isCodegenError} from './api/errors.js'
import {ExitCode, errorJson, exitCodeFor} from './cli/exit-codes.js'
import type {DebugLog} from './api/client.js'
import {detectStyle, paint, type OutputStyle} from './output/format.js'
import {extractJsonFields, pickFields} from './output/fields.js'

/** oclif's `this.exit(n)`: its error has no name of its own, only the code EEXIT. */
const isExitError = (err: {code?: unknown}) => err.code === 'EEXIT'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>

/**
 * Every command: `--json` (one JSON document on stdout, nothing else there), `--debug`, and errors
 * mapped to the exit codes documented in the README, with or without `--json`.
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    debug: Flags.boolean({description: 'Show each API request and response on stderr (the token is never shown).', helpGroup: 'GLOBAL'}),
  }

  private _style?: OutputStyle
  private jsonFields?: string[]

  override async init(): Promise<void> {
    const ctor = this.constructor as typeof BaseCommand
    this.jsonFields = extractJsonFields(this.argv, Object.keys(ctor.args ?? {}).length > 0)
    await super.init()
  }

  protected override toSuccessJson(result: unknown): unknown {
    if (!this.jsonFields) return result
    return pickFields(result, this.jsonFields)
  }

  protected get style(): OutputStyle {
    return (this._style ??= detectStyle(process.stdout))
  }

  /** `--wide`: long text is not cut to the terminal's width. */
  protected wide(on: boolean | undefined): void {
    if (on) this._style = {...this.style, width: undefined}
  }

  protected get errStyle(): OutputStyle {
    return detectStyle(process.stderr)
  }

  /** Debug lines go to stderr, prefixed; on when --debug or DEBUG=codegenapi*. */
  protected debugLogger(flagOn: boolean | undefined): DebugLog | undefined {
    const env = process.env.DEBUG ?? ''
    const on = flagOn || env.split(',').some((p) => /^codegenapi(\*|:|$)/.test(p.trim()) || p.trim() === '*')
    return on ? (line) => process.stderr.write(`${paint(this.errStyle, 'gray', `[codegenapi] ${line}`)}\n`) : undefined
  }

  /**
   * The JSON document, written as it is. oclif's way tokenizes it for colour (when no JSON theme is
   * set, for nothing) and passes it through util.format and console.log: ~2 ms for a page of runs.
   */
  override logJson(json: unknown): void {
    if (this.config.theme?.json) super.logJson(json)
    else process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  }

  /** Human output, written as it is (see logJson); nothing under --json, as oclif's own. */
  override log(message = '', ...args: unknown[]): void {
    if (args.length > 0) super.log(message, ...args)
    else if (!this.jsonEnabled()) process.stdout.write(`${message}\n`)
  }

  /** Human output only: under --json, stdout carries the JSON document alone. */
  protected out(text: string): void {
    if (!this.jsonEnabled()) this.log(text)
  }

  /** Warnings go to stderr even under --json (oclif drops them there): stdout stays pure JSON. */
  override warn(input: string | Error): string | Error {
    process.stderr.write(`${paint(this.errStyle, 'yellow', 'Warning:')} ${input instanceof Error ? input.message : input}\n`)
    return input
  }

  protected note(text: string): void {
    process.stderr.write(`${text}\n`)
  }

  protected override async catch(err: Error & {exitCode?: number; code?: unknown; oclif?: {exit?: number}}): Promise<void> {
    const json = this.jsonEnabled()
    const debug = this.argv.includes('--debug') || /codegenapi/.test(process.env.DEBUG ?? '')
    let code: number
    let body: Record<string, unknown>
    if (isCodegenError(err)) {
      code = exitCodeFor(err)
      body = errorJson(err)
      if (debug && err.detail) body.detail = err.detail
    } else if (err.oclif?.exit !== undefined && !isExitError(err)) {
      // oclif's own parse and usage errors.
      code = err.oclif.exit === 2 || /flag|argument|Expected|Missing/i.test(err.message) ? ExitCode.USAGE : err.oclif.exit
      // "Parsing --limit \n\t<our message>": keep the message our validation wrote.
      const message = err.message.replace(/^Parsing [^\n]*\n\s*/, '').replace(/\nSee more help with --help$/, '')
      body = {code: 'usage', message, exitCode: code, hint: 'See --help for usage.'}
    } else if (isExitError(err)) {
      throw err
    } else {
      code = ExitCode.ERROR
      body = {code: 'unexpected', message: err.message || String(err), exitCode: code}
    }
    process.exitCode = code
    if (json) {
      this.logJson({error: body})
      return
    }
    const s = this.errStyle
    const lines = [`${paint(s, 'red', 'Error:')} ${String(body.message)}`]
    if (body.hint) lines.push(`${paint(s, 'dim', 'Hint:')} ${String(body.hint)}`)
    if (debug && isCodegenError(err) && err.detail) lines.push(`${paint(s, 'gray', 'Detail:')} ${err.detail}`)
    if (debug && !isCodegenError(err) && err.stack) lines.push(err.stack)
    process.stderr.write(lines.join('\n') + '\n')
  }
}
