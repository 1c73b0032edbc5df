import type {OutputStyle} from './format.js'
import {cellsOf, columnWidths, formatRow, headerRow, type Column} from './table.js'

/**
 * A table printed as rows arrive: the first batch sets the column widths, later rows reuse them, so
 * `list --limit 5000` shows its first page at once and never holds every row in memory.
 */
export class TableStream<T> {
  private buffer: T[] = []
  private widths?: number[]
  private timer?: NodeJS.Timeout
  count = 0

  constructor(
    private readonly columns: Column<T>[],
    private readonly style: OutputStyle,
    private readonly write: (line: string) => void,
    private readonly batch = 100,
    private readonly waitMs = 300,
  ) {}

  push(row: T): void {
    this.count++
    if (this.widths) {
      this.emit([row])
      return
    }
    this.buffer.push(row)
    if (this.buffer.length >= this.batch) this.flush()
    // Filtered listings may take many pages to fill a batch: a person sees the first rows meanwhile.
    else this.timer ??= setTimeout(() => this.flush(), this.waitMs).unref()
  }

  /** Prints what is buffered, e.g. when a page has arrived and the next may take a while. */
  flush(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.buffer.length === 0) return
    if (!this.widths) {
      this.widths = columnWidths(cellsOf(this.buffer, this.columns), this.columns, this.style)
      this.write(headerRow(this.columns, this.widths, this.style))
    }
    this.emit(this.buffer)
    this.buffer = []
  }

  end(): void {
    this.flush()
  }

  private emit(rows: T[]): void {
    const cells = cellsOf(rows, this.columns)
    for (const [i, c] of cells.entries()) this.write(formatRow(c, this.widths!, this.columns, this.style, rows[i]))
  }
}
