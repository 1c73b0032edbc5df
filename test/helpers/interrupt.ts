import {spawn} from 'node:child_process'
import {allOutputs, BIN, type CliResult} from './cli.js'

/**
 * Runs the built CLI as a process of its own and sends it SIGINT once `ready()` holds (polled; tests
 * make it a fact of the fake's journal, such as "the create has arrived", not a time). With
 * `signals` 2, a second SIGINT follows once it says it is waiting ("Ctrl-C again").
 */
export function interruptWhen(args: string[], env: NodeJS.ProcessEnv, ready: () => boolean, signals = 1): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {env, cwd: env.HOME, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d
      if (signals > 1 && /Ctrl-C again/.test(stderr) && child.exitCode === null) child.kill('SIGINT')
    })
    child.stdin.end('')
    const poll = setInterval(() => {
      if (ready()) {
        clearInterval(poll)
        child.kill('SIGINT')
      }
    }, 10)
    const timer = setTimeout(() => {
      clearInterval(poll)
      child.kill('SIGKILL')
      reject(new Error(`codegenapi ${args.join(' ')} did not finish\n${stderr}`))
    }, 20_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      clearInterval(poll)
      allOutputs.push({args, text: `${stdout}\n${stderr}`})
      resolve({code, stdout, stderr})
    })
  })
}
