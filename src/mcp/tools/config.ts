import {z} from 'zod'
import {usageError} from '../../api/errors.js'
import {ConfigService} from '../../services/config.js'
import * as S from '../shapes.js'
import {tool} from './define.js'

export const configTool = tool({
  name: 'codegenapi_config',
  description:
    "Show codegenapi's configuration (api-token, org-id, base-url), or set or unset org-id in the user config file. The token is never shown, only whether it is set and its last four characters. The API token and base-url cannot be changed here (they decide where the token is sent): the user changes them in a terminal with `codegenapi login` or `codegenapi config set`.",
  input: {
    action: z.enum(['list', 'get', 'set', 'unset']).describe('list all keys, get one, or set or unset org-id.'),
    key: z.string().max(40).optional().describe('api-token, org-id or base-url for get; only org-id for set and unset.'),
    value: z.string().max(2000).optional().describe('The new value (for set).'),
  },
  output: {
    entries: z.array(S.ConfigEntryOut),
    changed: z.boolean().describe('True when set or unset changed the config file.'),
    file: z.string().describe('The user config file.'),
  },
  // set overwrites the org-id every later CLI and MCP call uses: not read-only, and not merely additive.
  annotations: {title: 'Configure codegenapi', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false},
  async run({action, key, value}, tc) {
    const config = new ConfigService(tc.env, tc.cwd)
    const file = config.userFile
    const need = (what: string | undefined, name: string) => {
      if (!what)
        throw usageError(`${name} is required for action ${action}.`, name === 'key' ? 'Keys: api-token, org-id, base-url.' : undefined)
      return what
    }
    let changed = false
    let entries
    if (action === 'list') {
      entries = await config.entries()
    } else if (action === 'get') {
      entries = [await config.get(need(key, 'key'))]
    } else if (action === 'set') {
      await config.set(need(key, 'key'), need(value, 'value'), {by: 'mcp'})
      entries = [await config.get(key!)]
      changed = true
    } else {
      changed = (await config.unset(need(key, 'key'), {by: 'mcp'})).removed
      entries = [await config.get(key!)]
    }
    const out = entries.map(S.configEntryOut)
    const lines = out.map((e) => `${e.key}: ${e.set ? e.value : '(not set)'}${e.source ? ` [${e.source}]` : ''}`)
    const lead =
      action === 'set'
        ? `Saved in ${file}.`
        : action === 'unset'
          ? changed
            ? `Removed from ${file}.`
            : `Was not set in ${file}.`
          : undefined
    return {data: {entries: out, changed, file}, text: [lead, ...lines].filter(Boolean).join('\n')}
  },
})
