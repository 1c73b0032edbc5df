// Desktop notifications for `watch --notify`: notify-send (Linux and BSDs), osascript (macOS) or
// PowerShell (Windows), whichever is there; silent otherwise, and silent when it fails (a notification
// is a courtesy, never a reason for watch to fail). The text goes as arguments or environment
// variables, never into a script or a shell.
import {execFile} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {isTerminal} from '../domain/run.js'
import {oneLine} from '../output/sanitize.js'
import type {RunUpdate} from './monitor.js'

export type Exec = (file: string, args: string[], env?: NodeJS.ProcessEnv) => Promise<void>

export interface Notifier {
  /** How notifications are shown (the program), or undefined when they cannot be. */
  readonly via?: string
  notify(title: string, body: string): Promise<void>
}

const execQuietly: Exec = (file, args, env) =>
  new Promise((resolve) => {
    execFile(file, args, {env, timeout: 10_000, windowsHide: true}, () => resolve())
  })

/** `name` on PATH (with PATHEXT's extensions on Windows), or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').map((e) => e.toLowerCase()) : ['']
  const sep = platform === 'win32' ? ';' : ':'
  for (const dir of (env.PATH ?? env.Path ?? '').split(sep)) {
    if (!dir) continue
    for (const ext of exts) {
      const file = path.join(dir, name + ext)
      try {
        if (fs.statSync(file).isFile()) {
          if (platform !== 'win32') fs.accessSync(file, fs.constants.X_OK)
          return file
        }
      } catch {
        // not here
      }
    }
  }
  return undefined
}

// PowerShell's own app id: toasts from an unregistered id are dropped by Windows 10 and later.
const PS_APP_ID = '{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\\WindowsPowerShell\\v1.0\\powershell.exe'
const PS_TOAST = [
  '[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] > $null',
  '$t = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02)',
  '$x = $t.GetElementsByTagName("text")',
  '$x.Item(0).AppendChild($t.CreateTextNode($env:CODEGENAPI_NOTIFY_TITLE)) > $null',
  '$x.Item(1).AppendChild($t.CreateTextNode($env:CODEGENAPI_NOTIFY_BODY)) > $null',
  `[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('${PS_APP_ID}').Show([Windows.UI.Notifications.ToastNotification]::new($t))`,
].join('; ')

/** The desktop's notifier, found on PATH for this platform. */
export function desktopNotifier(opts: {platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv; exec?: Exec} = {}): Notifier {
  const platform = opts.platform ?? process.platform
  const env = opts.env ?? process.env
  const exec = opts.exec ?? execQuietly
  if (platform === 'darwin') {
    const osascript = findOnPath('osascript', env, platform)
    if (osascript) {
      // The text is the script's argv, never part of the script.
      const script = ['on run argv', 'display notification (item 2 of argv) with title (item 1 of argv)', 'end run']
      return {via: 'osascript', notify: (title, body) => exec(osascript, [...script.flatMap((l) => ['-e', l]), title, body])}
    }
  } else if (platform === 'win32') {
    const ps = findOnPath('powershell', env, platform) ?? findOnPath('pwsh', env, platform)
    if (ps) {
      return {
        via: path.basename(ps),
        notify: (title, body) =>
          exec(ps, ['-NoProfile', '-NonInteractive', '-Command', PS_TOAST], {
            ...env,
            CODEGENAPI_NOTIFY_TITLE: title,
            CODEGENAPI_NOTIFY_BODY: body,
          }),
      }
    }
  } else {
    const notifySend = findOnPath('notify-send', env, platform)
    if (notifySend) {
      return {via: 'notify-send', notify: (title, body) => exec(notifySend, ['--app-name=codegenapi', '--', title, body])}
    }
  }
  return {via: undefined, notify: () => Promise.resolve()}
}

/**
 * Turns watch's updates into one notification per run that finishes while watched: a run seen (here,
 * or in the local state) still working, then final. Runs already final when the watch began are not
 * news.
 */
export class FinishNotifier {
  private readonly working = new Set<number>()
  private readonly done = new Set<number>()
  private readonly pending: Promise<void>[] = []

  constructor(private readonly notifier: Notifier) {}

  update(u: RunUpdate): void {
    const id = u.record.id
    if (!u.terminal) {
      this.working.add(id)
      return
    }
    const wasWorking = this.working.has(id) || (u.previousStatus !== null && !isTerminal(u.previousStatus))
    if (!wasWorking || this.done.has(id)) return
    this.done.add(id)
    const r = u.record
    const title = `codegenapi: run ${id} ${oneLine(r.status ?? 'finished')}`
    const pr = r.prs.find((p) => p.url)
    const body = [r.repo, r.summary ? oneLine(r.summary).slice(0, 200) : undefined, pr?.url ?? r.web_url]
      .filter((s): s is string => Boolean(s))
      .map(oneLine)
      .join('\n')
    this.pending.push(this.notifier.notify(title, body || `Agent run ${id} finished.`).catch(() => undefined))
  }

  /** Waits for the notifications sent so far (each is bounded by its own timeout). */
  async settled(): Promise<void> {
    await Promise.all(this.pending)
  }
}
