import {oneLine} from './sanitize.js'
import {paint, truncate, visibleLength, type OutputStyle} from './format.js'

export interface Column<T> {
  header: string
  get: (row: T) => string | number | null | undefined
  /** Cell text may be long (summaries): this column shrinks first to fit the terminal. */
  flex?: boolean
  /** Colour a cell after truncation. */
  color?: (row: T, text: string) => string
}

/** Sanitised single-line cell texts, one array per row. */
export function cellsOf<T>(rows: T[], columns: Column<T>[]): string[][] {
  return rows.map((row) => columns.map((c) => oneLine(String(c.get(row) ?? ''))))
}

/** Column widths from a sample of rows; on a terminal the flex columns give way to fit its width. */
export function columnWidths<T>(cells: string[][], columns: Column<T>[], style: OutputStyle): number[] {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)))
  if (style.width) {
    let overflow = widths.reduce((a, b) => a + b, 0) + 2 * (columns.length - 1) - style.width
    for (let i = columns.length - 1; i >= 0 && overflow > 0; i--) {
      if (!columns[i].flex) continue
      const cut = Math.min(overflow, widths[i] - Math.max(10, columns[i].header.length))
      if (cut > 0) {
        widths[i] -= cut
        overflow -= cut
      }
    }
  }
  return widths
}

/** One row; a cell longer than its column is cut only when it is a flex column on a terminal. */
export function formatRow<T>(values: string[], widths: number[], columns: Column<T>[], style: OutputStyle, row?: T): string {
  return values
    .map((v, i) => {
      const last = i === values.length - 1
      const cut = columns[i].flex && style.width ? truncate(v, widths[i]) : v
      const text = row === undefined ? paint(style, 'bold', cut) : (columns[i].color?.(row, cut) ?? cut)
      return last ? text : text + ' '.repeat(Math.max(0, widths[i] - visibleLength(text)))
    })
    .join('  ')
    .trimEnd()
}

export const headerRow = <T>(columns: Column<T>[], widths: number[], style: OutputStyle) =>
  formatRow(
    columns.map((c) => c.header.toUpperCase()),
    widths,
    columns,
    style,
  )

/** Aligned columns, no borders (like `gh`): easy to read and to cut with awk. */
export function renderTable<T>(rows: T[], columns: Column<T>[], style: OutputStyle): string {
  const cells = cellsOf(rows, columns)
  const widths = columnWidths(cells, columns, style)
  return [headerRow(columns, widths, style), ...cells.map((c, i) => formatRow(c, widths, columns, style, rows[i]))].join('\n')
}
