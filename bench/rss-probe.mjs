// Preloaded with --import into a measured process: at exit, writes its peak RSS (KiB) to the file named
// by CODEGENAPI_RSS_FILE. The same probe runs in the baseline, so its own cost cancels out.
import {appendFileSync} from 'node:fs'

process.on('exit', () => {
  const file = process.env.CODEGENAPI_RSS_FILE
  if (file) appendFileSync(file, `${process.resourceUsage().maxRSS}\n`)
})
