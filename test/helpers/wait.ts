/**
 * Resolves once `condition()` holds, checking every few milliseconds: tests wait on state they can
 * observe (the fake's journal, a file, a run's status), never on a guess of how long something takes.
 */
export function until(condition: () => boolean, what = 'the condition', timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) return resolve()
      if (Date.now() > deadline) return reject(new Error(`${what} did not hold within ${timeoutMs} ms`))
      setTimeout(check, 5)
    }
    check()
  })
}
