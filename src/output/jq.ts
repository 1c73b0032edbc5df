import * as jq from 'jq-wasm'
import {CodegenError, usageError} from '../api/errors.js'

/**
 * `--jq EXPR` runs the real jq (jq-wasm: jq compiled to WebAssembly, shipped inside the package, so
 * nothing is downloaded at install and no jq binary is needed). Loaded only when --jq is given: it
 * costs ~20 ms to load and ~100 ms to start, which no other command should pay. The build puts it in a
 * chunk of its own (dist/chunks/jq-wasm.cjs), out of the CLI bundle and its code cache.
 */
export async function applyJq(value: unknown, expression: string): Promise<string> {
  // jq-wasm's runtime sets process.exitCode to jq's own exit status: the command's exit code is ours to set.
  const exitCode = process.exitCode
  try {
    // -r: strings print without quotes, as `gh --jq` does.
    return await jq.raw(JSON.stringify(value ?? null), expression, ['-r'])
  } catch (error) {
    const message = (error as Error).message.trim()
    if (/compile error|syntax error/.test(message))
      throw usageError(`--jq: ${firstLines(message)}`, 'See https://jqlang.org/manual/ for the syntax.')
    throw new CodegenError('api', `--jq: ${firstLines(message)}`)
  } finally {
    process.exitCode = exitCode
  }
}

const firstLines = (text: string) => text.split('\n').slice(0, 2).join(' ').replace(/\s+/g, ' ')
