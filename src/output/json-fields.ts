import type {ConfigEntry} from '../services/config.js'
import type {Check} from '../services/doctor.js'
import type {InstallResult} from '../services/mcp-install.js'
import type {RunRecord} from '../services/state.js'

// The JSON fields each command declares (`--json FIELDS`, its --help, and the unknown-field check).
// API objects follow the zod schemas in src/api/schemas.ts (a test keeps these lists equal to them);
// local objects are checked by the compiler: every key of the type, and nothing else.

/** All keys of T, each exactly once: the compiler refuses a missing or an extra one. */
const keysOf =
  <T>() =>
  <K extends {[P in keyof Required<T>]: true}>(keys: K & Record<Exclude<keyof K, keyof T>, never>): string[] =>
    Object.keys(keys)

export const RUN_FIELDS = [
  'id',
  'organization_id',
  'status',
  'created_at',
  'web_url',
  'result',
  'summary',
  'source_type',
  'github_pull_requests',
  'metadata',
] as const
/** A run of an attempt group (`list --group`, `new --attempts`): the run, its group and attempt number. */
export const GROUP_RUN_FIELDS = [...RUN_FIELDS, 'group_id', 'attempt'] as const
/** `new`: a run; with --attempts, each attempt, what became of it, and why when it was not created. */
export const ATTEMPT_FIELDS = [...GROUP_RUN_FIELDS, 'outcome', 'client_request_id', 'error'] as const
export const LOG_FIELDS = [
  'agent_run_id',
  'created_at',
  'tool_name',
  'message_type',
  'thought',
  'observation',
  'tool_input',
  'tool_output',
] as const
export const USER_FIELDS = ['id', 'email', 'github_user_id', 'github_username', 'avatar_url', 'full_name', 'role', 'is_admin'] as const
export const REPO_FIELDS = [
  'id',
  'name',
  'full_name',
  'description',
  'github_id',
  'organization_id',
  'visibility',
  'archived',
  'setup_status',
  'language',
] as const
export const ORG_FIELDS = ['id', 'name', 'settings'] as const

export const CONFIG_FIELDS = keysOf<ConfigEntry>()({key: true, value: true, set: true, source: true, description: true})
export const DOCTOR_FIELDS = keysOf<{ok: boolean; checks: Check[]}>()({ok: true, checks: true})
export const INSTALL_FIELDS = keysOf<InstallResult>()({
  client: true,
  file: true,
  name: true,
  entry: true,
  env: true,
  written: true,
  backup: true,
  next: true,
})
export const RECORD_FIELDS = keysOf<RunRecord>()({
  id: true,
  org_id: true,
  status: true,
  web_url: true,
  result: true,
  summary: true,
  created_at: true,
  source_type: true,
  title: true,
  updated_at: true,
  prs: true,
  repo: true,
  parent_run_id: true,
  watched_since: true,
  last_seen: true,
  last_change: true,
  watched: true,
  note: true,
  parent_report: true,
  parent_report_note: true,
  group_id: true,
  attempt: true,
})
export const OPEN_FIELDS = keysOf<{id: number; web_url: string; opened: boolean}>()({id: true, web_url: true, opened: true})
export const LOGIN_FIELDS = keysOf<{user: string; user_id: number; org_id: number; org_name: string}>()({
  user: true,
  user_id: true,
  org_id: true,
  org_name: true,
})
export const LOGOUT_FIELDS = keysOf<{removed: boolean}>()({removed: true})
export const CONFIG_PATH_FIELDS = keysOf<{user: string; project: string | null}>()({user: true, project: true})
export const CONFIG_UNSET_FIELDS = keysOf<{key: string; removed: boolean}>()({key: true, removed: true})
