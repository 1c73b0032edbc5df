// Text from the API (results, summaries, log thoughts, PR titles) is written by agents: untrusted.
// Before it reaches a terminal, drop escape sequences (CSI, OSC, DCS...) and every C0/C1 control
// character except newline and tab, so it cannot move the cursor, retitle the window or fake links.
// eslint-disable-next-line no-control-regex
const ESCAPES =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?|\u009b[0-?]*[ -/]*[@-~]|\u001b[@-Z\\-_]?/g
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

export function sanitize(text: string | null | undefined): string {
  if (!text) return ''
  return text.replace(ESCAPES, '').replace(CONTROLS, '')
}

/** One line of text for a table cell: controls stripped, whitespace folded. */
export function oneLine(text: string | null | undefined): string {
  return sanitize(text).replace(/\s+/g, ' ').trim()
}
