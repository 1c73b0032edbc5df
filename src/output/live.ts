/**
 * What is being redrawn on stderr right now (the --wait spinner): a line written to the terminal
 * meanwhile goes above it, instead of being glued to the spinner's text and left behind by it.
 */
export interface LiveRegion {
  clear(): void
  render(): void
}

let region: LiveRegion | undefined

export function setLiveRegion(next: LiveRegion | undefined): void {
  region = next
}

/** Runs `write` (one or more whole lines) with the live region cleared, then draws the region again. */
export function writeAbove(write: () => void): void {
  if (!region) return write()
  region.clear()
  try {
    write()
  } finally {
    region.render()
  }
}
