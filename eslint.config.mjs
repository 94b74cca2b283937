// One lint configuration for the whole tree: ESLint's and typescript-eslint's recommended rules (syntax-level,
// so linting needs no build), plus the project's own habits from STYLE.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/', '**/dist/', '**/generated/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable' },
    },
    rules: {
      // Unused names are dead code; a leading underscore marks a parameter kept for its position.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Tests and GraphQL plumbing handle untyped JSON answers; `any` there is deliberate and local.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Configuration is read once, in each package's environment.ts, handed the environment by the process's entry
    // point (STYLE.md habit 6); tests, benchmarks and the process harness pass environments on by design.
    files: ['**/src/**/*.ts'],
    ignores: [
      '**/main.ts',
      '**/embedded.ts',
      '**/cli.ts',
      '**/cli/**',
      '**/import.ts',
      '**/*.test.ts',
      '**/testing/**',
      'packages/system/**',
    ],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'read configuration in environment.ts' }],
    },
  },
);
