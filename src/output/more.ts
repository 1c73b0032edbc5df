/**
 * Listings fetch one row more than --limit: when it comes, more rows exist and a person is told how to
 * see them (on stderr, so a pipe gets the rows alone). `rows` is cut back to the limit.
 */
export function cutToLimit<T>(rows: T[], limit: number, what: string): {rows: T[]; note?: string} {
  if (rows.length <= limit) return {rows}
  const next = limit < 100 ? 100 : limit * 2
  return {rows: rows.slice(0, limit), note: `${limit} ${what} shown; there are more: --limit ${next} for more.`}
}
