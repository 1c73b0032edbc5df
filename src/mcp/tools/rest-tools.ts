// The tools of the rest of the API, for the registry (index.ts); their toolsets are in rest-toolsets.ts.
import type {ToolDef} from './define.js'
import {generateSetupCommandsTool} from './generate-setup-commands.js'
import {getCheckSuiteSettingsTool} from './get-check-suite-settings.js'
import {getIntegrationsTool} from './get-integrations.js'
import {removeFromPrTool} from './remove-from-pr.js'
import {setCheckSuiteSettingsTool} from './set-check-suite-settings.js'
import {setPrStateTool} from './set-pr-state.js'
import {stopTool} from './stop.js'
import {unbanTool} from './unban.js'

export const REST_TOOLS: ToolDef[] = [
  stopTool,
  unbanTool,
  removeFromPrTool,
  setPrStateTool,
  getCheckSuiteSettingsTool,
  setCheckSuiteSettingsTool,
  getIntegrationsTool,
  generateSetupCommandsTool,
]
