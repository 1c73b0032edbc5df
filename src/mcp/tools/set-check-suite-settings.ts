import {z} from 'zod'
import {MAX_CHECK_RETRIES, setCheckSuite} from '../../services/check-suite.js'
import {tool} from './define.js'
import {checkSuiteData, checkSuiteOutput, checkSuiteText, repoInput} from './check-suite-shapes.js'
import {PR_WRITE} from './pr-agents-shapes.js'

const name = z.string().min(1).max(200)

export const setCheckSuiteSettingsTool = tool({
  name: 'codegenapi_set_check_suite_settings',
  description:
    "Change a repository's check-suite settings. Only the fields given are changed; a list or map given replaces the whole of it. Returns the settings as they are afterwards.",
  input: {
    repo: repoInput,
    check_retry_count: z.number().int().min(0).max(MAX_CHECK_RETRIES).optional().describe('Retries of a failed check, all checks.'),
    ignored_checks: z.array(name).max(100).optional().describe('Checks to ignore (replaces the list).'),
    check_retry_counts: z
      .record(name, z.number().int().min(0).max(MAX_CHECK_RETRIES))
      .optional()
      .describe('Retry count by check name (replaces the map).'),
    custom_prompts: z
      .record(name, z.string().max(4000))
      .optional()
      .describe('Instructions for the agent by check name (replaces the map).'),
    high_priority_apps: z.array(name).max(100).optional().describe('Apps whose failures are handled at once (replaces the list).'),
  },
  output: checkSuiteOutput,
  // Replaces settings: not additive, the same outcome when repeated.
  annotations: {title: 'Change check-suite settings', ...PR_WRITE},
  async run({repo, ...change}, tc) {
    const data = checkSuiteData(await setCheckSuite(await tc.context(), repo, change, tc.signal))
    return {
      data,
      text: `Changed ${Object.keys(change)
        .filter((k) => change[k as keyof typeof change] !== undefined)
        .join(', ')}.\n${checkSuiteText(data)}`,
    }
  },
})
