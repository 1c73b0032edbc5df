// Running the CLI from the TypeScript sources, without a build: bin/dev.js (under tsx) and the
// in-process tests. The build's bundle has the command table written into it; here it is read from
// src/commands, and oclif's plugins are loaded once with a manifest made from those very commands,
// so a new or changed command is seen at once. oclif's plugins' commands (help, autocomplete) are ours
// too, as in the build (build/plugin-commands.mjs). Never part of the published bundle.
import {Plugin} from '@oclif/core/config'
import type * as Interfaces from '@oclif/core/interfaces'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {pluginCommands} from '../build/plugin-commands.mjs'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export interface DevCli {
  root: string
  pjson: Interfaces.PJSON
  commands: Record<string, unknown>
  /** The loaded plugins, for one run: oclif's help rewrites command entries in place, so each run gets copies. */
  plugins(): Map<string, Interfaces.Plugin>
}

/** Every command under src/commands, by id (`config/set.ts` is `config:set`), and the plugins' commands. */
export async function loadCommands(root = ROOT): Promise<Record<string, unknown>> {
  const dir = path.join(root, 'src', 'commands')
  const files = fs
    .readdirSync(dir, {recursive: true, encoding: 'utf8'})
    .filter((f) => f.endsWith('.ts'))
    .sort()
  const entries = await Promise.all(
    files.map(async (f) => {
      const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as {default: unknown}
      return [f.replace(/\.ts$/, '').split(path.sep).join(':'), mod.default] as const
    }),
  )
  const own = Object.fromEntries(entries)
  const plugins = await Promise.all(
    Object.entries(pluginCommands(root, Object.keys(own))).map(async ([id, {file}]) => {
      const mod = (await import(pathToFileURL(file).href)) as {default: unknown}
      return [id, mod.default] as const
    }),
  )
  return {...own, ...Object.fromEntries(plugins)}
}

/** The package and its commands, loaded as oclif's root plugin. */
export async function loadDevCli(root = ROOT): Promise<DevCli> {
  const pjson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Interfaces.PJSON
  const commands = await loadCommands(root)
  const own = new Plugin({root, isRoot: true, pjson, ignoreManifest: true})
  // The command table oclif would otherwise load from the bundle (the build's target, dist/cli.cjs).
  // The field is private in oclif's types; it is where explicit discovery keeps the loaded table.
  ;(own as unknown as {commandCache: Record<string, unknown>}).commandCache = commands
  await own.load()
  const plugins = new Map<string, Interfaces.Plugin>([[own.name, own]])
  const copy = (p: Interfaces.Plugin): Interfaces.Plugin =>
    Object.assign(Object.create(Object.getPrototypeOf(p) as object) as Interfaces.Plugin, p, {
      commands: p.commands.map((c) => ({...c})),
    })
  return {root, pjson, commands, plugins: () => new Map([...plugins].map(([name, p]) => [name, copy(p)]))}
}
