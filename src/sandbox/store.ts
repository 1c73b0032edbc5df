// The sandbox's state in a file, so that `codegenapi --sandbox new` and a later `--sandbox watch` (other
// processes) see the same runs: each request loads the state as saved, is answered, and the state is
// saved again, under the file's lock, written atomically (services/files.ts). Run progress is derived
// from the clock, so a run started by one process has finished when the next looks, a few seconds on.
import fs from 'node:fs'
import {withFileLock, writeFileAtomic} from '../services/files.js'
import type {FakeState, StateSnapshot} from './state.js'

/** One request as the sandbox saw it: never a token, only whose it was. */
export interface JournalEntry {
  at: string
  method: string
  path: string
  status: number
  /** `sandbox`: the sandbox's own dummy token; `other`: any other token (refused, 401); `none`. */
  token: 'sandbox' | 'other' | 'none'
}

export interface StateStore {
  /** Runs `fn` (one request) on the state as saved by any process, then saves it with `entry` journaled. */
  transaction(state: FakeState, fn: () => JournalEntry): Promise<void>
}

const VERSION = 1
/** The journal keeps the latest requests. */
const JOURNAL_SIZE = 500

interface Saved {
  version: number
  state: StateSnapshot
  journal: JournalEntry[]
}

// Maps and Sets (the state's indexes) as JSON.
const replacer = (_key: string, value: unknown): unknown =>
  value instanceof Map ? {$map: [...value.entries()]} : value instanceof Set ? {$set: [...value.values()]} : value
const reviver = (_key: string, value: unknown): unknown => {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as {$map?: [unknown, unknown][]; $set?: unknown[]}
    if (Array.isArray(v.$map)) return new Map(v.$map)
    if (Array.isArray(v.$set)) return new Set(v.$set)
  }
  return value
}

function readSaved(file: string): {text: string; saved?: Saved} {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return {text: ''}
  }
  try {
    const saved = JSON.parse(text, reviver) as Saved
    // Another version's file (or a damaged one) is started over from the seed data.
    return saved?.version === VERSION ? {text, saved} : {text: ''}
  } catch {
    return {text: ''}
  }
}

export function fileStore(file: string): StateStore {
  // What this process last read or wrote: a file that still holds it needs no reload.
  let known: string | undefined
  let journal: JournalEntry[] = []
  return {
    transaction: (state, fn) =>
      withFileLock(file, async () => {
        const {text, saved} = readSaved(file)
        if (text !== known) {
          if (saved) state.load(saved.state)
          else state.restore()
          journal = saved?.journal ?? []
        }
        journal.push(fn())
        if (journal.length > JOURNAL_SIZE) journal = journal.slice(-JOURNAL_SIZE)
        known = JSON.stringify({version: VERSION, state: state.snapshot(), journal} satisfies Saved, replacer)
        await writeFileAtomic(file, known)
      }),
  }
}

/** The journal saved in `file` (oldest first): what the sandbox was sent, and with whose token. */
export function readJournal(file: string): JournalEntry[] {
  return readSaved(file).saved?.journal ?? []
}

/** Forgets every run and change: the next request starts from the seed data. */
export function resetStore(file: string): Promise<boolean> {
  return withFileLock(file, async () => {
    const existed = fs.existsSync(file)
    await fs.promises.rm(file, {force: true})
    return existed
  })
}
