// Response schemas of "the rest of the API" (stop/unban, PR state, check-suite settings, integrations,
// OAuth token status, setup commands), following contract/codegen-openapi.json like schemas.ts:
// nullable where the spec says null, unknown fields kept (looseObject), each built on first use.
import * as z from 'zod/mini'

function built<T>(build: () => T): () => T {
  let schema: T | undefined
  return () => (schema ??= build())
}

const nullableString = built(() => z.optional(z.nullable(z.string())))
const nullableInt = built(() => z.optional(z.nullable(z.int())))

/**
 * ban, unban and remove-from-pr answer 200 with an unspecified body (`schema: {}`): any JSON is
 * accepted, and a `message` string, when there is one, is shown.
 */
export const PrAgentsActionSchema = built(() => z.unknown())

/** CheckSuiteSettingsResponse: every field required. */
export const CheckSuiteSettingsSchema = built(() =>
  z.looseObject({
    check_retry_count: z.int(),
    ignored_checks: z.array(z.string()),
    check_retry_counts: z.record(z.string(), z.int()),
    custom_prompts: z.record(z.string(), z.string()),
    high_priority_apps: z.array(z.string()),
    available_check_suite_names: z.array(z.string()),
  }),
)

/** The PUT answers "an object" (additionalProperties: true), nothing more is promised. */
export const CheckSuiteUpdateSchema = built(() => z.record(z.string(), z.unknown()))

/** EditPRResponse: `success` is required; a refused change is `success: false` with `error`. */
export const EditPrSchema = built(() =>
  z.looseObject({
    success: z.boolean(),
    url: nullableString(),
    number: nullableInt(),
    title: nullableString(),
    state: nullableString(),
    error: nullableString(),
  }),
)

export const IntegrationStatusSchema = built(() =>
  z.looseObject({
    integration_type: z.string(),
    active: z.boolean(),
    token_id: nullableInt(),
    installation_id: nullableInt(),
    metadata: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  }),
)

export const IntegrationsSchema = built(() =>
  z.looseObject({
    organization_id: z.int(),
    organization_name: z.string(),
    integrations: z.array(IntegrationStatusSchema()),
    total_active_integrations: z.int(),
  }),
)

/** "A list of provider names that are connected", with no schema in the contract: see oauthProviders. */
export const OAuthStatusSchema = built(() => z.unknown())

export const SetupCommandsSchema = built(() =>
  z.looseObject({
    agent_run_id: z.int(),
    status: z.string(),
    url: z.string(),
  }),
)

export type CheckSuiteSettings = z.infer<ReturnType<typeof CheckSuiteSettingsSchema>>
export type EditPrResponse = z.infer<ReturnType<typeof EditPrSchema>>
export type IntegrationStatus = z.infer<ReturnType<typeof IntegrationStatusSchema>>
export type Integrations = z.infer<ReturnType<typeof IntegrationsSchema>>
export type SetupCommandsResponse = z.infer<ReturnType<typeof SetupCommandsSchema>>

// Request bodies, typed from the spec's StopAgentRunInput, CheckSuiteSettingsRequest, EditPRInput and
// GenerateSetupCommandsInput.
export type StopAgentRunInput = {agent_run_id: number}
export type CheckSuiteSettingsInput = {
  check_retry_count?: number | null
  ignored_checks?: string[] | null
  check_retry_counts?: Record<string, number> | null
  custom_prompts?: Record<string, string> | null
  high_priority_apps?: string[] | null
}
export const PR_STATES = ['open', 'closed', 'draft', 'ready_for_review'] as const
export type PrState = (typeof PR_STATES)[number]
export type GenerateSetupCommandsInput = {repo_id: number; prompt?: string | null}

/**
 * The OAuth status body is unspecified ("a list of provider names"): a list of names, a list of objects
 * naming a provider, an object holding such a list, or a {provider: connected} map all give the names.
 * Anything else gives undefined, and the caller shows the body as it is.
 */
export function oauthProviders(body: unknown): string[] | undefined {
  const nameOf = (item: unknown): string | undefined => {
    if (typeof item === 'string') return item
    if (item && typeof item === 'object') {
      const o = item as Record<string, unknown>
      if (o.active === false || o.connected === false) return undefined
      const name = o.provider ?? o.provider_name ?? o.name ?? o.integration_type
      return typeof name === 'string' ? name : undefined
    }
    return undefined
  }
  const fromList = (list: unknown[]) => list.map(nameOf).filter((n): n is string => n !== undefined)
  if (Array.isArray(body)) return fromList(body)
  if (body && typeof body === 'object') {
    const o = body as Record<string, unknown>
    for (const key of ['providers', 'connected_providers', 'active_providers', 'connected', 'items']) {
      if (Array.isArray(o[key])) return fromList(o[key])
    }
    const values = Object.values(o)
    if (values.length > 0 && values.every((v) => typeof v === 'boolean')) {
      return Object.entries(o)
        .filter(([, v]) => v === true)
        .map(([k]) => k)
    }
  }
  return undefined
}
