// Prompt markers: words in a prompt that decide how a run the sandbox starts (or resumes) behaves, so
// that scripts and people can try every outcome. Listed in `codegenapi sandbox --help` and the README.

export type Marker = 'fail' | 'error' | 'slow' | 'stuck' | 'ask'

/** What each marker does, as the help and the README say it. */
export const MARKERS: Record<Marker, string> = {
  fail: 'the run ends FAILED',
  error: 'the run ends ERROR',
  slow: 'the run takes 2 minutes instead of a few seconds',
  stuck: 'the run stays ACTIVE until it is stopped (`codegenapi stop`)',
  ask: 'the run ends COMPLETE with a question and no pull request; resuming it finishes the work',
}

export const SLOW_RUN_MS = 120_000

/** The markers a prompt holds, e.g. "Fix the flaky test [fail]". Case does not matter. */
export function markersIn(prompt: string): Set<Marker> {
  const found = new Set<Marker>()
  for (const m of prompt.matchAll(/\[(fail|error|slow|stuck|ask)\]/gi)) found.add(m[1].toLowerCase() as Marker)
  return found
}

/** One line per marker, for help texts. */
export const markerLines = (indent = '  ') =>
  (Object.entries(MARKERS) as [Marker, string][]).map(([m, what]) => `${indent}[${m}]${' '.repeat(7 - m.length)}${what}`)
