import {getUser} from '../../services/users.js'
import * as S from '../shapes.js'
import {tool, READ} from './define.js'

export const getUserTool = tool({
  name: 'codegenapi_get_user',
  description: 'Get one user of the configured organization by user id.',
  input: {user_id: S.idArg('user_id', 'User id (an integer).')},
  output: S.UserOut.shape,
  annotations: {title: 'Get a user', ...READ},
  async run({user_id}, tc) {
    const user = S.userOut(await getUser(await tc.context(), user_id))
    return {data: user, text: S.userText(user)}
  },
})
