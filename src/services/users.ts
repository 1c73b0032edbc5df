import type {User} from '../api/schemas.js'
import type {ServiceContext} from './context.js'
import {paged, take} from './paging.js'

export function iterateUsers(ctx: ServiceContext, opts: {skip?: number; limit?: number} = {}): AsyncGenerator<User> {
  const client = ctx.client()
  const orgId = ctx.orgId()
  return paged((skip, limit) => client.users(orgId, {skip, limit}), {skip: opts.skip, pageSize: opts.limit})
}

export function listUsers(ctx: ServiceContext, opts: {skip?: number; limit: number}): Promise<User[]> {
  return take(iterateUsers(ctx, opts), opts.limit)
}

export function getUser(ctx: ServiceContext, userId: number): Promise<User> {
  return ctx.client().user(ctx.orgId(), userId)
}

export function getCurrentUser(ctx: ServiceContext): Promise<User> {
  return ctx.client().me()
}
