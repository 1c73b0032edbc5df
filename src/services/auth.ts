import type {Organization, User} from '../api/schemas.js'
import {CodegenError} from '../api/errors.js'
import {ConfigService} from './config.js'
import {createContext, type ContextOptions} from './context.js'
import {listOrganizations} from './orgs.js'
import {parseToken} from './validate.js'

export interface LoginCheck {
  user: User
  organizations: Organization[]
}

/** Checks a token against the API before anything is saved: a bad token never reaches the file. */
export async function checkToken(
  rawToken: string,
  where: ContextOptions & {env: NodeJS.ProcessEnv},
): Promise<LoginCheck & {token: string}> {
  const token = parseToken(rawToken)
  const ctx = await createContext({...where, env: {...where.env, CODEGEN_API_TOKEN: token}})
  let user: User
  try {
    user = await ctx.client().me()
  } catch (error) {
    if (error instanceof CodegenError && error.kind === 'auth') {
      throw new CodegenError('auth', 'The API rejected this token.', {
        hint: 'Copy a fresh token from https://codegen.com/token and try again.',
      })
    }
    throw error
  }
  const organizations = await listOrganizations(ctx)
  return {token, user, organizations}
}

/** Saves the token and org together, in one write, after both were checked. */
export async function saveLogin(token: string, orgId: number, env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  await new ConfigService(env, cwd).update({'api-token': token, 'org-id': String(orgId)})
}

export async function logout(env: NodeJS.ProcessEnv, cwd: string): Promise<{removed: boolean}> {
  return {removed: (await new ConfigService(env, cwd).unset('api-token')).removed}
}
