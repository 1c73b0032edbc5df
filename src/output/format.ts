import {sanitize} from './sanitize.js'

export interface OutputStyle {
  color: boolean
  /** OSC 8 clickable links, where the terminal is known to support them. */
  hyperlinks?: boolean
  /** Terminal width for truncation; undefined = do not truncate (a pipe or a file). */
  width?: number
}

export function detectStyle(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): OutputStyle {
  const tty = Boolean(stream.isTTY)
  const forced = Boolean(env.FORCE_COLOR && env.FORCE_COLOR !== '0')
  const color = !env.NO_COLOR && (forced || (tty && env.TERM !== 'dumb'))
  return {color, width: tty ? stream.columns || 100 : undefined, hyperlinks: tty && supportsHyperlinks(env)}
}

function supportsHyperlinks(env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_HYPERLINK) return env.FORCE_HYPERLINK !== '0'
  if (env.CI || env.TERM === 'dumb') return false
  if (['iTerm.app', 'WezTerm', 'vscode', 'ghostty', 'Hyper'].includes(env.TERM_PROGRAM ?? '')) return true
  if (env.WT_SESSION || env.KITTY_WINDOW_ID || env.KONSOLE_VERSION) return true
  return Number(env.VTE_VERSION ?? 0) >= 5000
}

/** A clickable link (OSC 8) where supported; the URL is shown as text everywhere else. */
export function link(style: OutputStyle, url: string, text = url): string {
  // eslint-disable-next-line no-control-regex -- a URL with control characters is never made a link
  if (!style.hyperlinks || !/^https?:\/\/[^\s\u0000-\u001f\u007f-\u009f]+$/.test(url)) return text
  return `\u001b]8;;${url}\u001b\\${text}\u001b]8;;\u001b\\`
}

const SGR = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  cyan: [36, 39],
  gray: [90, 39],
} as const
export type ColorName = keyof typeof SGR

export function paint(style: OutputStyle, color: ColorName, text: string): string {
  if (!style.color || !text) return text
  const [open, close] = SGR[color]
  return `\u001b[${open}m${text}\u001b[${close}m`
}

export function statusColor(status: string | null | undefined): ColorName {
  const s = (status ?? '').toUpperCase()
  if (s === 'COMPLETE' || s === 'COMPLETED') return 'green'
  if (['FAILED', 'ERROR'].includes(s)) return 'red'
  if (['CANCELLED', 'CANCELED', 'STOPPED'].includes(s)) return 'gray'
  return 'yellow'
}

/** "3 min ago", "2 h ago", "5 d ago"; absolute date past a month. */
export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '-'
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return sanitize(iso)
  const s = Math.round((now - t) / 1000)
  if (s < 0) return 'just now'
  if (s < 45) return `${s} s ago`
  if (s < 45 * 60) return `${Math.round(s / 60)} min ago`
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h ago`
  if (s < 30 * 86400) return `${Math.round(s / 86400)} d ago`
  return new Date(t).toISOString().slice(0, 10)
}

// Visible width ignores our own colour codes.
// eslint-disable-next-line no-control-regex
export const visibleLength = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').length

export function truncate(text: string, max: number): string {
  if (max <= 0) return ''
  return text.length <= max ? text : text.slice(0, Math.max(0, max - 1)) + '…'
}

// Our own SGR colours and OSC 8 links take no room on screen.
// eslint-disable-next-line no-control-regex
const OWN_CODES = /\u001b\[[0-9;]*m|\u001b\]8;;[^\u001b]*\u001b\\/g
// East Asian wide and fullwidth characters and most emoji take two columns; combining marks none.
const WIDE: [number, number][] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
]
const ZERO: [number, number][] = [
  [0x0300, 0x036f],
  [0x200b, 0x200f],
  [0xfe00, 0xfe0f],
]
const within = (cp: number, ranges: [number, number][]) => ranges.some(([lo, hi]) => cp >= lo && cp <= hi)

/** Columns a line takes on a terminal (after sanitising: no control characters are left). */
export function displayWidth(line: string): number {
  let width = 0
  for (const ch of line.replace(OWN_CODES, '')) {
    const cp = ch.codePointAt(0)!
    width += within(cp, ZERO) ? 0 : within(cp, WIDE) ? 2 : 1
  }
  return width
}

/** Screen rows a line takes on a terminal this wide: a long line wraps. */
export const screenRows = (line: string, columns: number | undefined) =>
  columns && columns > 0 ? Math.max(1, Math.ceil(displayWidth(line) / columns)) : 1
