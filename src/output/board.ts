import type {RunRecord} from '../services/state.js'
import {link, paint, screenRows, statusColor, type OutputStyle} from './format.js'
import type {LiveRegion} from './live.js'
import {oneLine} from './sanitize.js'
import {renderTable} from './table.js'

/**
 * A block of lines redrawn in place on a terminal (the live `watch` board). It moves the cursor up by
 * the screen rows it drew, not by its line count, since a line wider than the terminal wraps; and a
 * message meant for the same terminal (stderr) is written above the board, never between two draws.
 */
export class LiveBoard implements LiveRegion {
  private rows = 0
  private lines: string[] = []

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly err: NodeJS.WriteStream,
  ) {}

  draw(lines: string[]): void {
    this.lines = lines
    this.clear()
    if (lines.length === 0) return
    this.out.write(lines.join('\n') + '\n')
    this.rows = lines.reduce((n, line) => n + screenRows(line, this.out.columns), 0)
  }

  /** A line for the person watching: above the board, which is drawn again below it. */
  note(text: string): void {
    this.clear()
    this.err.write(`${text}\n`)
    this.render()
  }

  /** Draws the last lines again (after clear(): see output/live.ts). */
  render(): void {
    this.draw(this.lines)
  }

  clear(): void {
    if (this.rows > 0) this.out.write(`\u001b[${this.rows}A\u001b[0J`)
    this.rows = 0
  }
}

/**
 * The live `watch` board: a header and one row per run, columns aligned across runs, the link column
 * cut to the terminal's width (so rows do not wrap), every cell sanitised.
 */
export function boardLines(records: RunRecord[], style: OutputStyle): string[] {
  const url = (r: RunRecord) => oneLine(r.prs.find((p) => p.url)?.url ?? r.web_url ?? '')
  // Runs of an attempt group (`watch --group`) say which attempt each is.
  const attempts = records.some((r) => r.attempt !== undefined)
  return renderTable(
    records,
    [
      ...(attempts ? [{header: 'attempt', get: (r: RunRecord) => r.attempt ?? ''}] : []),
      {header: 'run', get: (r) => r.id},
      {header: 'status', get: (r) => r.status ?? 'unknown', color: (r, text) => paint(style, statusColor(r.status), text)},
      {header: 'repo', get: (r) => r.repo ?? ''},
      {header: 'pr or web', get: url, flex: true, color: (r, text) => (text ? link(style, url(r), text) : text)},
      {header: 'parent', get: (r) => (r.parent_run_id ? `${r.parent_run_id}${r.parent_report ? ` (report ${r.parent_report})` : ''}` : '')},
    ],
    style,
  ).split('\n')
}
