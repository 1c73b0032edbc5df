// ESLint (flat config): typescript-eslint's type-checked recommendations over the sources and tests.
// Formatting is Prettier's job (`npm run format`); ESLint only finds bugs.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

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
  },
)
