import type {IntegrationsResult} from '../services/integrations.js'
import type {CheckSuiteResult} from '../services/check-suite.js'
import {paint, type OutputStyle} from './format.js'
import {oneLine} from './sanitize.js'
import {renderTable} from './table.js'

// How check-suite settings and integrations read for a person; `--json` bypasses this.

const label = (style: OutputStyle, t: string) => paint(style, 'bold', t.padEnd(20))
const list = (items: string[]) => (items.length ? items.map(oneLine).join(', ') : '(none)')
const map = (m: Record<string, string | number>) => {
  const entries = Object.entries(m)
  return entries.length ? entries.map(([k, v]) => `${oneLine(k)}=${oneLine(String(v))}`).join(', ') : '(none)'
}

export function checkSuiteView({repo, settings}: CheckSuiteResult, style: OutputStyle): string {
  const name = repo.full_name ? `${repo.full_name} (${repo.id})` : `repository ${repo.id}`
  const lines = [
    paint(style, 'bold', `Check-suite settings of ${name}`),
    `${label(style, 'Retries per check')}${settings.check_retry_count}`,
    `${label(style, 'Retries by check')}${map(settings.check_retry_counts)}`,
    `${label(style, 'Ignored checks')}${list(settings.ignored_checks)}`,
    `${label(style, 'High-priority apps')}${list(settings.high_priority_apps)}`,
    `${label(style, 'Known check suites')}${list(settings.available_check_suite_names)}`,
  ]
  const prompts = Object.entries(settings.custom_prompts)
  lines.push(`${label(style, 'Custom prompts')}${prompts.length ? '' : '(none)'}`)
  for (const [check, prompt] of prompts) lines.push(`  ${oneLine(check)}: ${oneLine(prompt)}`)
  return lines.join('\n')
}

/** The fields of an integration's metadata worth a glance (names, accounts), as short text. */
function metadataText(meta: Record<string, unknown> | null | undefined): string {
  if (!meta) return ''
  return Object.entries(meta)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ')
}

export function integrationsView(result: IntegrationsResult, style: OutputStyle): string {
  const rows = [...result.integrations].sort(
    (a, b) => Number(b.active) - Number(a.active) || a.integration_type.localeCompare(b.integration_type),
  )
  const table = renderTable(
    rows,
    [
      {header: 'integration', get: (i) => i.integration_type},
      {header: 'active', get: (i) => (i.active ? 'yes' : 'no'), color: (i, t) => paint(style, i.active ? 'green' : 'gray', t)},
      {header: 'token', get: (i) => i.token_id ?? ''},
      {header: 'installation', get: (i) => i.installation_id ?? ''},
      {header: 'details', get: (i) => metadataText(i.metadata), flex: true},
    ],
    style,
  )
  const connected = result.oauth.connected
  const oauth =
    connected === null
      ? `OAuth tokens: the API's answer is not a list of providers: ${oneLine(JSON.stringify(result.oauth.response))}`
      : `OAuth tokens connected for you: ${connected.length ? connected.map(oneLine).join(', ') : 'none'}`
  return [
    `${paint(style, 'bold', oneLine(result.organization_name))} (${result.organization_id}): ${result.total_active_integrations} active integration${result.total_active_integrations === 1 ? '' : 's'}`,
    rows.length ? table : 'No integrations.',
    oauth,
  ].join('\n')
}
