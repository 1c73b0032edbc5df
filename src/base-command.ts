import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import type * as Interfaces from '@oclif/core/interfaces'
import {isCodegenError} from './api/errors.js'
import {ExitCode, errorJson, exitCodeFor} from './cli/exit-codes.js'
import type {DebugLog, RetryNotice} from './api/client.js'
import {detectStyle, paint, type OutputStyle} from './output/format.js'
import {checkFields, declaredFields, extractJsonFields, pickFields} from './output/fields.js'
import {sanitize} from './output/sanitize.js'
import {writeAbove} from './output/live.js'
import {helpHint, usageMessage} from './cli/usage.js'
import {currentIO, type CommandIO} from './io.js'
import type {ContextOptions} from './services/context.js'

// oclif's parser output types (not exported by @oclif/core).
type FlagOutput = Record<string, unknown>
type ArgOutput = Record<string, unknown>

/** oclif's `this.exit(n)`: its error has no name of its own, only the code EEXIT. */
const isExitError = (err: {code?: unknown}) => err.code === 'EEXIT'

/** HTTP 401: the token is wrong, expired or revoked; `login` checks a new one before saving it. */
const REJECTED_TOKEN_HINT = 'The token was rejected: log in again with `codegenapi login`, or check CODEGEN_API_TOKEN.'

/**
 * The one rule for debug output (request log and error detail alike): --debug, or DEBUG naming
 * codegenapi as the `debug` package does (`codegenapi`, `codegenapi*`, `codegenapi:...`, or `*`).
 */
export function debugEnabled(flagOn: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  if (flagOn) return true
  return (env.DEBUG ?? '').split(/[\s,]+/).some((p) => p === '*' || /^codegenapi(\*|:.*)?$/.test(p))
}

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
  private jq?: string

  /** Streams, env, cwd, clock and exit code (src/io.ts): the process's, or a test's in-process run's. */
  protected readonly io: CommandIO = currentIO()

  /** What services need from the IO to build their context: env, working directory, request budget. */
  protected get contextOptions(): Pick<ContextOptions, 'env' | 'cwd' | 'limiter'> {
    return {env: this.io.env, cwd: this.io.cwd, limiter: this.io.limiter}
  }

  override async init(): Promise<void> {
    const ctor = this.constructor as typeof BaseCommand
    const fields = declaredFields(ctor.flags?.json)
    this.jsonFields = extractJsonFields(this.argv, {takesArgs: Object.keys(ctor.args ?? {}).length > 0, fields})
    await super.init()
    // Checked before run(): an unknown field costs no request.
    if (this.jsonFields && fields) checkFields(this.jsonFields, fields)
    // --jq filters the JSON document instead of printing it as it is.
    const run = this.run.bind(this)
    this.run = async () => {
      const result: unknown = await run()
      if (this.jq === undefined || result === undefined || !this.jsonEnabled()) return result
      const {applyJq} = await import('./output/jq.js')
      const text = await applyJq(this.toSuccessJson(result), this.jq)
      this.io.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`)
      return undefined
    }
  }

  /**
   * Arguments come from argv only: oclif would otherwise read piped stdin as a missing positional
   * argument (`echo 7059 | codegenapi get` used 7059; a prompt piped to `resume --query -` became the
   * run id; a token piped to `config set api-token` became VALUE). stdin is for prompts and tokens.
   */
  protected override async parse<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const input = options ?? (this.ctor as unknown as Interfaces.Input<F, B, A>)
    const args = Object.fromEntries(Object.entries(input.args ?? {}).map(([name, arg]) => [name, {...arg, ignoreStdin: true}]))
    const parsed = await super.parse<F, B, A>(
      {
        strict: input.strict,
        flags: input.flags,
        baseFlags: input.baseFlags,
        enableJsonFlag: input.enableJsonFlag,
        '--': input['--'],
        args: args as Interfaces.ArgInput<A>,
      },
      argv,
    )
    const jq = (parsed.flags as {jq?: unknown}).jq
    if (typeof jq === 'string') this.jq = jq
    return parsed
  }

  protected override toSuccessJson(result: unknown): unknown {
    if (!this.jsonFields) return result
    return pickFields(result, this.jsonFields)
  }

  protected get style(): OutputStyle {
    return (this._style ??= detectStyle(this.io.stdout, this.io.env))
  }

  /** `--wide`: long text is not cut to the terminal's width. */
  protected wide(on: boolean | undefined): void {
    if (on) this._style = {...this.style, width: undefined}
  }

  protected get errStyle(): OutputStyle {
    return detectStyle(this.io.stderr, this.io.env)
  }

  /** Debug lines go to stderr, prefixed; on when --debug or DEBUG names codegenapi (see debugEnabled). */
  protected debugLogger(flagOn: boolean | undefined): DebugLog | undefined {
    return debugEnabled(flagOn, this.io.env)
      ? (line) => writeAbove(() => this.io.stderr.write(`${paint(this.errStyle, 'gray', `[codegenapi] ${sanitize(line)}`)}\n`))
      : undefined
  }

  /**
   * Waits are never silent: a wait over 2 s is one line on stderr ("rate limited by the API: retrying
   * in 57 s"), and --debug says why each retry happens.
   */
  protected retryNotice(debugFlag: boolean | undefined): (wait: RetryNotice) => void {
    const debug = this.debugLogger(debugFlag)
    return (wait) => {
      const seconds = Math.ceil(wait.waitMs / 1000)
      debug?.(`retry: attempt ${wait.attempt} of ${wait.endpoint} in ${wait.waitMs} ms, because of ${wait.reason}`)
      if (wait.waitMs <= 2000) return
      const said =
        wait.cause === 'network'
          ? `the connection to the API failed (${wait.reason})`
          : wait.cause === 'unavailable'
            ? `the API is unavailable (${wait.reason.replace(/,.*/, '')})`
            : wait.attempt > 1
              ? 'rate limited by the API'
              : "at the API's rate limit"
      writeAbove(() => this.note(`${said}: ${wait.attempt > 1 ? 'retrying' : 'sending'} in ${seconds} s`))
    }
  }

  /**
   * The JSON document, written as it is. oclif's way tokenizes it for colour (when no JSON theme is
   * set, for nothing) and passes it through util.format and console.log: ~2 ms for a page of runs.
   */
  override logJson(json: unknown): void {
    if (this.config.theme?.json) super.logJson(json)
    else this.io.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  }

  /** Human output, written as it is (see logJson); nothing under --json, as oclif's own. */
  override log(message = '', ...args: unknown[]): void {
    if (args.length > 0) super.log(message, ...args)
    else if (!this.jsonEnabled()) this.io.stdout.write(`${message}\n`)
  }

  /** Human output only: under --json, stdout carries the JSON document alone. */
  protected out(text: string): void {
    if (!this.jsonEnabled()) this.log(text)
  }

  /** Warnings go to stderr even under --json (oclif drops them there): stdout stays pure JSON. */
  override warn(input: string | Error): string | Error {
    this.io.stderr.write(`${paint(this.errStyle, 'yellow', 'Warning:')} ${sanitize(input instanceof Error ? input.message : input)}\n`)
    return input
  }

  protected note(text: string): void {
    this.io.stderr.write(`${text}\n`)
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- oclif's catch is async; this one has nothing to wait for
  protected override async catch(err: Error & {exitCode?: number; code?: unknown; oclif?: {exit?: number}}): Promise<void> {
    const json = this.jsonEnabled()
    const debug = debugEnabled(this.argv.includes('--debug'), this.io.env)
    let code: number
    let body: {message: string; hint?: string; [key: string]: unknown}
    if (err.name === 'Cancelled') {
      // Ctrl-C at a prompt: nothing more to say, the shell shows ^C.
      this.io.exitCode = ExitCode.INTERRUPTED
      if (json) this.logJson({error: {code: 'interrupted', message: err.message, exitCode: ExitCode.INTERRUPTED}})
      return
    }
    if (isCodegenError(err)) {
      code = exitCodeFor(err)
      body = errorJson(err)
      // A validation error thrown from a flag's parse comes wrapped in oclif's "Parsing --flag" text.
      if (code === ExitCode.USAGE) body.message = usageMessage(err)
      if (code === ExitCode.USAGE && !body.hint) body.hint = helpHint(this.config.bin, this.id)
      // CLI hints live here, not in src/api: a rejected token is fixed by logging in again.
      if (err.kind === 'auth' && err.status === 401) body.hint = REJECTED_TOKEN_HINT
      if (debug && err.detail) body.detail = err.detail
    } else if (err.oclif?.exit !== undefined && !isExitError(err)) {
      // oclif's own parse and usage errors.
      code = err.oclif.exit === 2 || /flag|argument|Expected|Missing/i.test(err.message) ? ExitCode.USAGE : err.oclif.exit
      body = {code: 'usage', message: usageMessage(err), exitCode: code, hint: helpHint(this.config.bin, this.id)}
    } else if (isExitError(err)) {
      throw err
    } else {
      code = ExitCode.ERROR
      body = {code: 'unexpected', message: err.message || String(err), exitCode: code}
    }
    this.io.exitCode = code
    if (json) {
      this.logJson({error: body})
      return
    }
    // Messages and hints quote the API and local files: sanitised like any other text from outside.
    const s = this.errStyle
    const lines = [`${paint(s, 'red', 'Error:')} ${sanitize(body.message)}`]
    if (body.hint) lines.push(`${paint(s, 'dim', 'Hint:')} ${sanitize(body.hint)}`)
    if (debug && isCodegenError(err) && err.detail) lines.push(`${paint(s, 'gray', 'Detail:')} ${sanitize(err.detail)}`)
    if (debug && !isCodegenError(err) && err.stack) lines.push(sanitize(err.stack))
    this.io.stderr.write(lines.join('\n') + '\n')
  }
}
