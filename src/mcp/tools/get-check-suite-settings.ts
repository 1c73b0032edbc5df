import {getCheckSuite} from '../../services/check-suite.js'
import {tool, READ} from './define.js'
import {checkSuiteData, checkSuiteOutput, checkSuiteText, repoInput} from './check-suite-shapes.js'

export const getCheckSuiteSettingsTool = tool({
  name: 'codegenapi_get_check_suite_settings',
  description:
    "Read a repository's check-suite settings: how Codegen's agent reacts to failing CI checks on its pull requests (retries, ignored checks, custom instructions).",
  input: {repo: repoInput},
  output: checkSuiteOutput,
  annotations: {title: 'Get check-suite settings', ...READ},
  async run({repo}, tc) {
    const data = checkSuiteData(await getCheckSuite(await tc.context(), repo, tc.signal))
    return {data, text: checkSuiteText(data)}
  },
})
