import {spawn} from 'node:child_process'
import type {CommandIO} from '../io.js'

/** Opens a URL in the desktop browser; false where there is none (CI, SSH, no display). */
export async function openUrl(url: string, io: Pick<CommandIO, 'env' | 'stdout'>): Promise<boolean> {
  const env = io.env
  if (!/^https?:\/\//.test(url)) return false
  if (env.CI || env.CODEGENAPI_NO_BROWSER || !io.stdout.isTTY) return false
  const [cmd, args] = env.BROWSER
    ? [env.BROWSER, [url]]
    : process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : env.DISPLAY || env.WAYLAND_DISPLAY
          ? ['xdg-open', [url]]
          : [undefined, []]
  if (!cmd) return false
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {stdio: 'ignore', detached: true})
    child.on('error', () => resolve(false))
    child.on('spawn', () => {
      child.unref()
      resolve(true)
    })
  })
}
