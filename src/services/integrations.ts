import {integrations as getIntegrations, oauthTokenStatus} from '../api/rest.js'
import {oauthProviders, type Integrations} from '../api/rest-schemas.js'
import type {ServiceContext} from './context.js'

export interface IntegrationsResult extends Integrations {
  oauth: {
    /** Providers with an active OAuth token for you in this organization; null when the answer could not be read. */
    connected: string[] | null
    /** The API's answer as it came (the contract does not describe it). */
    response: unknown
  }
}

/** The organization's integrations and, beside them, which OAuth providers are connected for you. */
export async function listIntegrations(ctx: ServiceContext, signal?: AbortSignal): Promise<IntegrationsResult> {
  const client = ctx.client()
  const orgId = ctx.orgId()
  const [org, oauth] = await Promise.all([getIntegrations(client, orgId, signal), oauthTokenStatus(client, orgId, signal)])
  return {...org, oauth: {connected: oauthProviders(oauth) ?? null, response: oauth}}
}
