import {screenRows} from './format.js'

/**
 * A block of lines redrawn in place on a terminal (the live `watch` board). It moves the cursor up by
 * the screen rows it drew, not by its line count, since a line wider than the terminal wraps; and a
 * message meant for the same terminal (stderr) is written above the board, never between two draws.
 */
export class LiveBoard {
  private rows = 0
  private lines: string[] = []

  constructor(
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly err: NodeJS.WriteStream = process.stderr,
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
    this.draw(this.lines)
  }

  private clear(): void {
    if (this.rows > 0) this.out.write(`\u001b[${this.rows}A\u001b[0J`)
    this.rows = 0
  }
}
