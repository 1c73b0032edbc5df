import {z} from 'zod'
import {listIntegrations} from '../../services/integrations.js'
import * as S from '../shapes.js'
import {tool, READ} from './define.js'

export const getIntegrationsTool = tool({
  name: 'codegenapi_get_integrations',
  description:
    "List the organization's integrations (GitHub, Slack, Linear, Jira...) and whether each is active, and which OAuth providers are connected for the token's user.",
  input: {},
  output: {
    organization_id: z.number().int(),
    organization_name: z.string(),
    total_active_integrations: z.number().int(),
    integrations: z.array(z.object({type: z.string(), active: z.boolean()})),
    oauth_connected: z
      .array(z.string())
      .optional()
      .describe('OAuth providers with an active token for you (absent when the API answer could not be read).'),
  },
  annotations: {title: 'List integrations', ...READ},
  async run(_args, tc) {
    const r = await listIntegrations(await tc.context(), tc.signal)
    const integrations = r.integrations.map((i) => ({type: i.integration_type.slice(0, S.MAX_LIST_TEXT), active: i.active}))
    const data = {
      organization_id: r.organization_id,
      organization_name: r.organization_name,
      total_active_integrations: r.total_active_integrations,
      integrations,
      ...(r.oauth.connected ? {oauth_connected: r.oauth.connected} : {}),
    }
    const active = integrations.filter((i) => i.active).map((i) => i.type)
    return {
      data,
      text: `${r.organization_name}: active integrations ${active.length ? active.join(', ') : 'none'}; OAuth connected: ${r.oauth.connected ? r.oauth.connected.join(', ') || 'none' : 'unknown'}.`,
    }
  },
})
