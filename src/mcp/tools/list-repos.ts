import {z} from 'zod'
import type {Repo} from '../../api/schemas.js'
import {listRepos} from '../../services/repos.js'
import * as S from '../shapes.js'
import {tool, READ} from './define.js'

// So that a model can name the repository for codegenapi_new instead of guessing it.

const RepoOut = z.object({
  id: z.number().int().min(1).max(S.MAX_ID).describe('Pass as repo_id to codegenapi_new.'),
  full_name: z.string().describe('OWNER/NAME: pass as repo to codegenapi_new.'),
  description: z.string().optional(),
  language: z.string().optional(),
  visibility: z.string().optional(),
  archived: z.boolean().optional(),
  setup_status: z.string().optional(),
})

const repoOut = (r: Repo): z.infer<typeof RepoOut> => ({
  id: r.id,
  full_name: r.full_name,
  description: r.description ? S.clip(r.description, S.MAX_LIST_TEXT).text : undefined,
  language: r.language ?? undefined,
  visibility: r.visibility ?? undefined,
  archived: r.archived ?? undefined,
  setup_status: r.setup_status || undefined,
})

export const listReposTool = tool({
  name: 'codegenapi_list_repos',
  description: 'Find the repositories of the organization by name (OWNER/NAME and id), to pass as repo or repo_id to codegenapi_new.',
  input: {
    search: z.string().max(200).optional().describe('Part of the name or description, case-insensitive; leave out to list all.'),
    limit: S.intArg(1, 100, 'limit').optional().default(20).describe('How many repositories to return (1-100, default 20).'),
  },
  output: {repos: z.array(RepoOut), count: z.number().int().min(0).max(100)},
  annotations: {title: 'Find repositories', ...READ},
  async run({search, limit}, tc) {
    const repos = (await listRepos(await tc.context(), {limit, search})).map(repoOut)
    const text = repos.length
      ? `${repos.length} repositor${repos.length === 1 ? 'y' : 'ies'}${search ? ` matching "${search}"` : ''}.`
      : `No repository${search ? ` matches "${search}"` : ' in this organization'}.`
    return {data: {repos: JSON.parse(JSON.stringify(repos)) as typeof repos, count: repos.length}, text}
  },
})
