// The API token must never be shown: not in errors, --json, doctor, --debug, MCP results or logs.
// Every text that may hold it passes through here, once, where it enters the program.

/** Shorter strings are not real tokens; masking them would mangle ordinary text. */
const MIN_SECRET_LENGTH = 6

/** What a secret is shown as: `****` and its last four characters when it is long enough to spare them. */
export function maskSecret(secret: string | undefined): string | undefined {
  if (!secret) return undefined
  return secret.length >= 12 ? `****${secret.slice(-4)}` : '****'
}

/** The spellings a server may echo a secret in: as sent, JSON-escaped, URL-encoded. */
function spellings(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])]
}

/** `text` with every occurrence of `secret` masked. */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret || secret.length < MIN_SECRET_LENGTH || !text) return text
  let out = text
  const mask = maskSecret(secret)!
  for (const s of spellings(secret)) if (out.includes(s)) out = out.split(s).join(mask)
  return out
}

/** Masks every secret it was given, in text or in any JSON value (MCP results, log lines). */
export class Redactor {
  private readonly secrets = new Set<string>()

  add(secret: string | undefined): void {
    if (secret && secret.length >= MIN_SECRET_LENGTH) this.secrets.add(secret)
  }

  text(text: string): string {
    let out = text
    for (const s of this.secrets) out = redactSecret(out, s)
    return out
  }

  /** A copy with the secrets masked; the value itself when it holds none. */
  value<T>(value: T): T {
    if (this.secrets.size === 0) return value
    if (typeof value === 'string') return this.text(value) as T
    const json = JSON.stringify(value)
    if (json === undefined) return value
    const clean = this.text(json)
    return clean === json ? value : (JSON.parse(clean) as T)
  }
}
