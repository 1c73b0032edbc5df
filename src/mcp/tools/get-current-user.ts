import {getCurrentUser} from '../../services/users.js'
import * as S from '../shapes.js'
import {tool, READ} from './define.js'

export const getCurrentUserTool = tool({
  name: 'codegenapi_get_current_user',
  description: 'Show who the configured API token belongs to. Use it to check that the token works, or to find your own user id.',
  input: {},
  output: S.UserOut.shape,
  annotations: {title: 'Get the current user', ...READ},
  async run(_args, tc) {
    const user = S.userOut(await getCurrentUser(await tc.context()))
    return {data: user, text: `Authenticated as ${S.userText(user)}`}
  },
})
