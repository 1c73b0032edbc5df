// Status normalisation lives with the rest of what a run is (src/domain/run.ts); re-exported here for
// the modules that import it from services.
export {
  RUNNING_STATUSES,
  TERMINAL_STATUSES,
  STATUS_FILTERS,
  normaliseStatus,
  isTerminal,
  isComplete,
  parseStatusFilter,
} from '../domain/run.js'
