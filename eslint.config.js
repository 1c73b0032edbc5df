// ESLint (flat config): typescript-eslint's type-checked recommendations over the sources and tests.
// Formatting is Prettier's job (`npm run format`); ESLint only finds bugs. `npm run lint` runs both, in
// .ci/run too. Every rule relaxed below says why; a rule disabled for a single line says why there.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// Node's globals, for the plain JavaScript files (bin/, build/, bench/): the `globals` package is not a
// dependency for the sake of this list.
const NODE_GLOBALS = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'globalThis',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'clearImmediate',
    'queueMicrotask',
    'structuredClone',
    'AbortController',
    'fetch',
  ].map((name) => [name, 'readonly']),
)
const COMMONJS_GLOBALS = {require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', __filename: 'readonly'}

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'contract/**', 'oclif.manifest.json']},
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // tsconfig.test.json: the sources, the tests and the benchmarks, as `npm run typecheck` sees them.
      parserOptions: {project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname},
    },
  },
  {
    files: ['**/*.{js,cjs,mjs}'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {...tseslint.configs.disableTypeChecked.languageOptions, globals: NODE_GLOBALS},
  },
  {
    // CommonJS by design: bin/ starts without Node's ES module loader (a few ms of every run), and the
    // code-cache trainer loads bin/load-cli.cjs as the CLI does; mocha requires its config files.
    files: ['bin/**/*.{js,cjs}', 'build/**/*.cjs', 'test/**/*.cjs'],
    languageOptions: {sourceType: 'commonjs', globals: {...NODE_GLOBALS, ...COMMONJS_GLOBALS}},
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
  {
    // Tests and benchmarks read what the CLI and the MCP server print (JSON documents, protocol messages,
    // tool results) and assert on its shape field by field: the assertions are the type check there,
    // and declaring a type for every fixture first would restate them. Sources get no such relief.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // Terminal output is what several tests check: escape sequences in their regular expressions are the point.
      'no-control-regex': 'off',
      // Stubs implement async interfaces (an API client, a lock, a transport) with answers they have at hand.
      '@typescript-eslint/require-await': 'off',
      // Event handlers and timers in tests may be async: a rejection fails the test through its own assertion.
      '@typescript-eslint/no-misused-promises': ['error', {checksVoidReturn: false}],
    },
  },
)
