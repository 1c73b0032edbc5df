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
import {listReposTool} from './list-repos.js'
import {REST_TOOLS} from './rest-tools.js'
import {DEFAULT_TOOLSETS, TOOLSET_HELP, TOOLSET_NAMES, TOOLSETS, type ToolsetName} from './toolsets.js'

// The registry: every tool, one file each, and the toolsets they belong to. src/mcp/sdk.ts registers
// what selectTools picks.

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
  listReposTool,
  ...REST_TOOLS,
]

/** Tools that can also run as MCP tasks (execution.taskSupport "optional"). */
export const TASK_TOOLS: TaskToolDef[] = [runTool]

export const READ_ONLY_TOOLS = TOOLS.filter((t) => t.annotations.readOnlyHint).map((t) => t.name)
export const ALL_TOOL_NAMES = [...TOOLS, ...TASK_TOOLS].map((t) => t.name)

const withPrefix = (n: string) => (n.startsWith('codegenapi_') ? n : `codegenapi_${n}`)
const names = (list: string) =>
  list
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)

/** The tools of these toolsets (`all` is every tool). */
function toolsetTools(list: string): string[] {
  const asked = names(list).map((n) => n.toLowerCase())
  if (asked.length === 0) throw usageError('--toolsets names no toolset.', `Toolsets: ${TOOLSET_NAMES.join(', ')}, all.`)
  if (asked.includes('all')) return ALL_TOOL_NAMES
  const unknown = asked.filter((n) => !(n in TOOLSETS))
  if (unknown.length > 0)
    throw usageError(
      `Unknown toolset${unknown.length > 1 ? 's' : ''} in --toolsets: ${unknown.join(', ')}.`,
      `Toolsets: ${TOOLSET_HELP}, all.`,
    )
  return asked.flatMap((n) => [...TOOLSETS[n as ToolsetName].tools])
}

/**
 * `--toolsets a,b`, `--tools x,y` and `--read-only`: which tools this server offers. With neither
 * --toolsets nor --tools, the default toolsets; --tools alone offers just those tools; both add up.
 * Read-only leaves out every tool that writes.
 */
export function selectTools(opts: {readOnly?: boolean; tools?: string; toolsets?: string}): {tools: ToolDef[]; taskTools: TaskToolDef[]} {
  const chosen = new Set<string>()
  if (opts.toolsets !== undefined) for (const n of toolsetTools(opts.toolsets)) chosen.add(n)
  if (opts.tools !== undefined) {
    const asked = names(opts.tools).map(withPrefix)
    const unknown = asked.filter((n) => !ALL_TOOL_NAMES.includes(n))
    if (unknown.length > 0)
      throw usageError(
        `Unknown tool${unknown.length > 1 ? 's' : ''} in --tools: ${unknown.join(', ')}.`,
        `Tools: ${ALL_TOOL_NAMES.join(', ')}.`,
      )
    if (asked.length === 0) throw usageError('--tools names no tool.', `Tools: ${ALL_TOOL_NAMES.join(', ')}.`)
    if (opts.readOnly) {
      const writing = asked.filter((n) => !READ_ONLY_TOOLS.includes(n))
      if (writing.length > 0)
        throw usageError(
          `--read-only leaves out ${writing.join(', ')}, named in --tools.`,
          `Read-only tools: ${READ_ONLY_TOOLS.join(', ')}.`,
        )
    }
    for (const n of asked) chosen.add(n)
  }
  if (opts.toolsets === undefined && opts.tools === undefined)
    for (const set of DEFAULT_TOOLSETS) for (const n of TOOLSETS[set].tools) chosen.add(n)
  if (opts.readOnly) for (const n of [...chosen]) if (!READ_ONLY_TOOLS.includes(n)) chosen.delete(n)
  return {tools: TOOLS.filter((t) => chosen.has(t.name)), taskTools: TASK_TOOLS.filter((t) => chosen.has(t.name))}
}
