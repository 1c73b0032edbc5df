import type {Organization} from '../api/schemas.js'
import type {ServiceContext} from './context.js'
import {paged, take} from './paging.js'

export async function listOrganizations(ctx: ServiceContext, limit = 1000): Promise<Organization[]> {
  const client = ctx.client()
  return take(
    paged((skip, lim) => client.organizations({skip, limit: lim})),
    limit,
  )
}
