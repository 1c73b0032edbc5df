import {readFileSync} from 'node:fs'
import {parseRecord, type RunRecord} from '../domain/run.js'
import {stateFile} from './paths.js'

/**
 * The recorded runs, read in place and never repaired: for `list`, which only needs to know whether a
 * run it shows is recorded, and stays free of fs/promises (start-up time) when none is. A missing,
 * unreadable or corrupt file counts as "nothing recorded"; the store (state.ts) deals with it on write.
 */
export function peekRunState(env: NodeJS.ProcessEnv): Map<number, RunRecord> {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(stateFile(env), 'utf8'))
  } catch {
    return new Map()
  }
  const runs = (data as {runs?: unknown})?.runs
  if (!runs || typeof runs !== 'object' || Array.isArray(runs)) return new Map()
  const out = new Map<number, RunRecord>()
  for (const value of Object.values(runs)) {
    const record = parseRecord(value)
    if (record) out.set(record.id, record)
  }
  return out
}
