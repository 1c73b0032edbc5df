import {z} from 'zod'
import {listOrganizations} from '../../services/orgs.js'
import * as S from '../shapes.js'
import {tool, READ} from './define.js'

export const getOrganizationsTool = tool({
  name: 'codegenapi_get_organizations',
  description:
    'List the Codegen organizations the API token can use (id and name). Use it to find the organization id to configure with codegenapi_config (key org-id).',
  input: {limit: S.intArg(1, 100, 'limit').optional().default(50).describe('How many organizations to return (1-100, default 50).')},
  output: {organizations: z.array(S.OrganizationOut), count: z.number().int().min(0).max(100)},
  annotations: {title: 'List organizations', ...READ},
  async run({limit}, tc) {
    const organizations = (await listOrganizations(await tc.context(), limit)).map(S.organizationOut)
    const text = organizations.length
      ? organizations.map((o) => `${o.id} ${o.name}`).join('\n')
      : 'The token gives access to no organization.'
    return {data: {organizations, count: organizations.length}, text}
  },
})
