import {z} from 'zod'
import {listUsers} from '../../services/users.js'
import * as S from '../shapes.js'
import {tool, READ} from './define.js'

export const getUsersTool = tool({
  name: 'codegenapi_get_users',
  description:
    'List the users of the configured Codegen organization (id, GitHub username, name, role). Use it to find a user id for codegenapi_list or codegenapi_get_user.',
  input: {
    limit: S.intArg(1, 100, 'limit').optional().default(20).describe('How many users to return (1-100, default 20).'),
    skip: S.intArg(0, 1_000_000, 'skip').optional().default(0).describe('How many users to skip, for the next page (default 0).'),
  },
  output: {users: z.array(S.UserOut), count: z.number().int().min(0).max(100), skip: z.number().int().min(0).max(1_000_000)},
  annotations: {title: 'List organization users', ...READ},
  async run({limit, skip}, tc) {
    const users = (await listUsers(await tc.context(), {skip, limit})).map(S.userOut)
    const text = users.length ? `${users.length} user(s):\n${users.map(S.userText).join('\n')}` : 'No users on this page.'
    return {data: {users, count: users.length, skip}, text}
  },
})
