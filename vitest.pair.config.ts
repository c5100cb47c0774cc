import { defineConfig } from 'vitest/config';

// The server suite as a multi-instance deployment runs: PostgreSQL, blobs in S3 (one s3rver for the run),
// every test server two instances behind a round-robin proxy (packages/server/test/support/pair-server.ts).
export default defineConfig({
  test: {
    include: ['packages/server/src/**/*.test.ts', 'packages/server/test/**/*.test.ts'],
    env: { SHOEBOX_TEST_PROFILE: 'postgres-s3-pair' },
    globalSetup: ['packages/server/test/support/pair-global-setup.ts'],
    setupFiles: ['packages/server/test/support/pair-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
