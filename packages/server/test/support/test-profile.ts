/**
 * Which deployment shape the server suite runs against (`SHOEBOX_TEST_PROFILE`, see vitest.pair.config.ts).
 * `postgres-s3-pair`: PostgreSQL only, every test server is two instances on S3 behind a round-robin proxy.
 */
export const PAIR_PROFILE = process.env['SHOEBOX_TEST_PROFILE'] === 'postgres-s3-pair';
