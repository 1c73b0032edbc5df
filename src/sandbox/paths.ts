// Path templates as the contract writes them (`/v1/organizations/{org_id}/agent/run/{agent_run_id}`),
// matched against concrete paths. No contract file is read here: the sandbox routes by its own routes'
// templates, and the tests' contract check (test/fake-api/contract.ts) by the spec's.

function splitPath(p: string): string[] {
  return p.split('?')[0].split('/').filter(Boolean)
}

const isParam = (segment: string) => segment.startsWith('{') && segment.endsWith('}')

/**
 * The templates that match a concrete path, best first: at the first segment where two templates
 * differ, a literal segment beats a parameter (`/agent/run/resume` before `/agent/run/{agent_run_id}`).
 */
export function matchTemplates(concretePath: string, templates: readonly string[]): {template: string; params: Record<string, string>}[] {
  const segments = splitPath(concretePath)
  const found: {template: string; params: Record<string, string>; literal: boolean[]}[] = []
  for (const template of templates) {
    const tpl = splitPath(template)
    if (tpl.length !== segments.length) continue
    const params: Record<string, string> = {}
    let ok = true
    for (let i = 0; i < tpl.length && ok; i++) {
      if (isParam(tpl[i])) params[tpl[i].slice(1, -1)] = decodeURIComponent(segments[i])
      else ok = tpl[i] === segments[i]
    }
    if (ok) found.push({template, params, literal: tpl.map((s) => !isParam(s))})
  }
  found.sort((a, b) => {
    for (let i = 0; i < a.literal.length; i++) if (a.literal[i] !== b.literal[i]) return a.literal[i] ? -1 : 1
    return 0
  })
  return found.map(({template, params}) => ({template, params}))
}
