import fs from 'node:fs'

// The build writes the version in (esbuild `define`); under tsx it is read from package.json.
declare const __CODEGENAPI_VERSION__: string | undefined

let cached: string | undefined
/** The package version. */
export function packageVersion(): string {
  if (cached) return cached
  if (typeof __CODEGENAPI_VERSION__ === 'string') return (cached = __CODEGENAPI_VERSION__)
  try {
    cached = (JSON.parse(fs.readFileSync(packageFile('package.json'), 'utf8')) as {version: string}).version
  } catch {
    cached = '0.0.0'
  }
  return cached
}

/** A file of the package, found from this module: src/version.ts, or dist/cli.cjs once built; both sit one level down. */
export const packageFile = (relative: string): URL => new URL(`../${relative}`, import.meta.url)

export const userAgent = () => `codegenapi/${packageVersion()} node/${process.versions.node} (${process.platform})`
