// The one owner of what reaches a terminal from outside: text from the API (results, summaries, log
// thoughts, PR titles, but also statuses, URLs and error messages) and from local files (state, config,
// doctor details). Before it is shown: escape sequences (CSI, OSC, DCS...) and every C0/C1 control
// character except newline and tab are dropped, so it cannot move the cursor, retitle the window, write
// the clipboard or fake links; bidi overrides and zero-width characters are shown escaped (`<U+202E>`),
// so `invoice_<U+202E>fdp.exe` cannot pass for `invoice_exe.pdf`.
/* eslint-disable no-control-regex -- matching terminal control characters is the point of these patterns */
const ESCAPES =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?|\u009b[0-?]*[ -/]*[@-~]|\u001b[@-Z\\-_]?/g
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g
// Bidi embeddings, overrides and isolates; zero-width spaces, joiners and marks; the BOM; line and
// paragraph separators (which some terminals break on and others do not).
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\u061c\ufeff]/g
/* eslint-enable no-control-regex */

const visible = (ch: string) => `<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`

export function sanitize(text: string | null | undefined): string {
  if (!text) return ''
  return String(text).replace(ESCAPES, '').replace(CONTROLS, '').replace(INVISIBLE, visible)
}

/** One line of text for a table cell, a status or a URL: controls stripped, whitespace folded. */
export function oneLine(text: string | null | undefined): string {
  return sanitize(text).replace(/\s+/g, ' ').trim()
}
