// oclif's plugins whose commands codegenapi ships as its own: `help` and `autocomplete`. The build
// bundles them into chunks of their own (dist/chunks/, loaded only when one of their commands runs);
// bin/dev.js and the in-process tests load them from node_modules. Nothing is looked up in
// node_modules at run time, so the published package needs no plugin installed. @oclif/plugin-not-found
// is not among them: src/cli/unknown-command.ts answers unknown commands in the project's style (F-49).
import fs from 'node:fs'
import path from 'node:path'

export const PLUGINS = ['@oclif/plugin-help', '@oclif/plugin-autocomplete']

/**
 * The plugins' commands, by id, with the package and the file that defines each (from the plugin's
 * own oclif.manifest.json). Ids in `own` are ours and win (`autocomplete:script`).
 */
export function pluginCommands(root, own = []) {
  const commands = {}
  for (const name of PLUGINS) {
    const dir = path.join(root, 'node_modules', ...name.split('/'))
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'oclif.manifest.json'), 'utf8'))
    for (const [id, command] of Object.entries(manifest.commands)) {
      if (!own.includes(id)) commands[id] = {plugin: name, file: path.join(dir, ...command.relativePath)}
    }
  }
  return commands
}
