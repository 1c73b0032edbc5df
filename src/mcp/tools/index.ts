import {usageError} from '../../api/errors.js'
import type {TaskToolDef, ToolDef} from './define.js'
import {getUsersTool} from './get-users.js'
import {getUserTool} from './get-user.js'
import {getCurrentUserTool} from './get-current-user.js'
import {getOrganizationsTool} from './get-organizations.js'
import {newTool} from './new.js'
import {getAgentRunTool} from './get-agent-run.js'
import {resumeTool} from './resume.js'
import {listTool} from './list.js'
import {getAgentRunLogsTool} from './get-agent-run-logs.js'
import {configTool} from './config.js'
import {waitForAgentRunTool} from './wait-for-agent-run.js'
import {watchTool} from './watch.js'
import {runTool} from './run.js'

// The registry: every tool, one file each. src/mcp/sdk.ts registers what selectTools picks.

export const TOOLS: ToolDef[] = [
  getUsersTool,
  getUserTool,
  getCurrentUserTool,
  getOrganizationsTool,
  newTool,
  getAgentRunTool,
  resumeTool,
  listTool,
  getAgentRunLogsTool,
  configTool,
  waitForAgentRunTool,
  watchTool,
]

/** Task-only tools: listed to every client, callable only as MCP tasks. */
export const TASK_TOOLS: TaskToolDef[] = [runTool]

export const READ_ONLY_TOOLS = TOOLS.filter((t) => t.annotations.readOnlyHint).map((t) => t.name)
export const ALL_TOOL_NAMES = [...TOOLS, ...TASK_TOOLS].map((t) => t.name)

/** `--read-only` and `--tools a,b,c`: which tools this server offers. */
export function selectTools(opts: {readOnly?: boolean; tools?: string}): {tools: ToolDef[]; taskTools: TaskToolDef[]} {
  let names = new Set(ALL_TOOL_NAMES)
  if (opts.tools !== undefined) {
    const asked = opts.tools
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean)
      .map((n) => (n.startsWith('codegenapi_') ? n : `codegenapi_${n}`))
    const unknown = asked.filter((n) => !names.has(n))
    if (unknown.length > 0)
      throw usageError(
        `Unknown tool${unknown.length > 1 ? 's' : ''} in --tools: ${unknown.join(', ')}.`,
        `Tools: ${ALL_TOOL_NAMES.join(', ')}.`,
      )
    if (asked.length === 0) throw usageError('--tools names no tool.', `Tools: ${ALL_TOOL_NAMES.join(', ')}.`)
    names = new Set(asked)
  }
  if (opts.readOnly) {
    const writing = [...names].filter((n) => !READ_ONLY_TOOLS.includes(n))
    if (opts.tools !== undefined && writing.length > 0) {
      throw usageError(`--read-only leaves out ${writing.join(', ')}, named in --tools.`, `Read-only tools: ${READ_ONLY_TOOLS.join(', ')}.`)
    }
    names = new Set([...names].filter((n) => READ_ONLY_TOOLS.includes(n)))
  }
  return {tools: TOOLS.filter((t) => names.has(t.name)), taskTools: TASK_TOOLS.filter((t) => names.has(t.name))}
}
