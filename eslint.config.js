// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const CAPABILITIES = ['accounts', 'devices', 'library', 'media', 'sync', 'trust', 'audit', 'fleet', 'push'];
const capabilityPatterns = CAPABILITIES.map((c) => `**/src/${c}/**`);

/** Dependency arrows from docs/ARCHITECTURE.md, enforced here. */
const architecture = [
  {
    // Only the db adapter knows which database is in use.
    files: ['packages/server/src/**/*.ts'],
    ignores: ['packages/server/src/adapters/db/**', 'packages/server/src/push/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'better-sqlite3', message: 'Only adapters/db knows the database driver.' },
            { name: 'pg', message: 'Only adapters/db knows the database driver.' },
            { name: 'sharp', message: 'Only adapters/media touches sharp.' },
            { name: 'exifr', message: 'Only adapters/media touches exifr.' },
            { name: 'ws', message: 'Only the push layer touches sockets.' },
          ],
        },
      ],
    },
  },
  {
    // Adapters are technology; they never reach up into capabilities or the composition root.
    files: ['packages/server/src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: capabilityPatterns.map((p) => p.replace('**/src/', '../../')), message: 'Adapters must not import capabilities.' },
            { group: ['../../app', '../../app.ts'], message: 'Adapters must not import the composition root.' },
          ],
        },
      ],
    },
  },
  {
    // Routes are HTTP only: they call services, never stores.
    files: ['packages/server/src/**/*.routes.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/*.store', '**/*.store.ts'], message: 'Routes call services, not stores.' }] },
      ],
    },
  },
  {
    // shared/ is isomorphic: no Node built-ins, nothing from other packages.
    files: ['packages/shared/src/**/*.ts'],
    ignores: ['packages/shared/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', '@shoebox/server*', '@shoebox/cli*'], message: 'shared/ must run in the browser too.' }] },
      ],
    },
  },
  {
    // The CLI talks to the server only over HTTP.
    files: ['packages/cli/src/**/*.ts'],
    ignores: ['packages/cli/src/**/*.test.ts', 'packages/cli/src/commands/serve.ts', 'packages/cli/src/commands/admin-*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@shoebox/server*'], message: 'The CLI talks to the server over HTTP only.' }] },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'packages/web/**', 'packages/cli/bin/**', 'eslint.config.js', '.ci/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      'no-console': 'error',
    },
  },
  {
    files: ['packages/cli/**/*.ts', 'bench/**/*.ts', '**/*.test.ts'],
    rules: { 'no-console': 'off' },
  },
  ...architecture,
);
