// The one entry bin/run.js loads: oclif is bundled with our commands, so they share one copy of it and
// start-up reads a few files instead of hundreds.
export {execute} from '@oclif/core'
