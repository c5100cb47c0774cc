// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const CAPABILITIES = ['accounts', 'devices', 'library', 'media', 'sync', 'trust', 'audit', 'fleet', 'push'];
const capabilityPatterns = CAPABILITIES.map((c) => `**/src/${c}/**`);

/** Dependency arrows from docs/ARCHITECTURE.md, enforced here. */
const DRIVER_PATHS = [
  { name: 'better-sqlite3', message: 'Only adapters/db knows the database driver.' },
  { name: 'pg', message: 'Only adapters/db knows the database driver.' },
];
const MEDIA_PATHS = [
  { name: 'sharp', message: 'Only adapters/media touches sharp.' },
  { name: 'exifr', message: 'Only adapters/media touches exifr.' },
];
const SOCKET_PATHS = [{ name: 'ws', message: 'Only the push layer touches sockets.' }];
const ADAPTER_PATTERNS = [
  {
    group: capabilityPatterns.map((p) => p.replace('**/src/', '../../')),
    message: 'Adapters must not import capabilities.',
  },
  { group: ['../../app', '../../app.ts'], message: 'Adapters must not import the composition root.' },
];

/** One `no-restricted-imports` per folder (ESLint keeps only the last one that matches a file, so each is complete). */
const restrict = (files, ignores, paths, patterns = []) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});

/** Dependency arrows from docs/ARCHITECTURE.md, enforced here. */
const architecture = [
  // Capabilities and the rest of the server: no drivers, no sharp/exifr, no sockets.
  restrict(
    ['packages/server/src/**/*.ts'],
    ['packages/server/src/adapters/**', 'packages/server/src/push/**'],
    [...DRIVER_PATHS, ...MEDIA_PATHS, ...SOCKET_PATHS],
  ),
  // The push layer owns sockets, nothing else.
  restrict(['packages/server/src/push/**/*.ts'], [], [...DRIVER_PATHS, ...MEDIA_PATHS]),
  // Adapters never reach up into capabilities; each technology stays in its own adapter.
  restrict(
    ['packages/server/src/adapters/**/*.ts'],
    ['packages/server/src/adapters/db/**', 'packages/server/src/adapters/media/**'],
    [...DRIVER_PATHS, ...MEDIA_PATHS, ...SOCKET_PATHS],
    ADAPTER_PATTERNS,
  ),
  restrict(
    ['packages/server/src/adapters/db/**/*.ts'],
    [],
    [...MEDIA_PATHS, ...SOCKET_PATHS],
    ADAPTER_PATTERNS,
  ),
  restrict(
    ['packages/server/src/adapters/media/**/*.ts'],
    [],
    [...DRIVER_PATHS, ...SOCKET_PATHS],
    ADAPTER_PATTERNS,
  ),
  // Routes are HTTP only: they call services, never stores.
  restrict(
    ['packages/server/src/**/*.routes.ts'],
    [],
    [...DRIVER_PATHS, ...MEDIA_PATHS, ...SOCKET_PATHS],
    [{ group: ['**/*.store', '**/*.store.ts'], message: 'Routes call services, not stores.' }],
  ),
  // shared/ is isomorphic: no Node built-ins, nothing from other packages.
  restrict(
    ['packages/shared/src/**/*.ts'],
    ['packages/shared/src/**/*.test.ts'],
    [],
    [
      {
        group: ['node:*', '@shoebox/server*', '@shoebox/cli*'],
        message: 'shared/ must run in the browser too.',
      },
    ],
  ),
  // The CLI talks to the server only over HTTP (serve starts it in-process; backup/restore/migrate open its data).
  restrict(
    ['packages/cli/src/**/*.ts'],
    [
      'packages/cli/src/**/*.test.ts',
      'packages/cli/src/commands/serve.ts',
      // Operator commands that open the data folder directly, like serve.
      'packages/cli/src/commands/backup.ts',
      'packages/cli/src/commands/restore.ts',
      'packages/cli/src/commands/migrate.ts',
    ],
    [],
    [{ group: ['@shoebox/server*'], message: 'The CLI talks to the server over HTTP only.' }],
  ),
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'packages/web/**',
      'packages/cli/bin/**',
      'scripts/*.mjs',
      'eslint.config.js',
      '.ci/**',
    ],
  },
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
