import fs from 'node:fs'

let cached: string | undefined
/** The package version, read once from package.json (the build keeps it beside dist/). */
export function packageVersion(): string {
  if (cached) return cached
  try {
    cached = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string
  } catch {
    cached = '0.0.0'
  }
  return cached
}

export const userAgent = () => `codegenapi/${packageVersion()} node/${process.versions.node} (${process.platform})`
