export declare const PLUGINS: string[]
export declare function pluginCommands(root: string, own?: string[]): Record<string, {plugin: string; file: string}>
