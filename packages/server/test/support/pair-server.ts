import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createS3BlobStore } from '../../src/adapters/blobs/s3-blob-store.ts';
import { parseS3Location } from '../../src/adapters/blobs/s3-location.ts';
import type { DialectName } from '../../src/adapters/db/database.ts';
import type { ConfigInput } from '../../src/config.ts';
import { openTestDatabase } from './databases.ts';
import { startRoundRobinProxy } from './round-robin-proxy.ts';
import type { TestServer, TestServerOptions } from './test-server.ts';

type StartOne = (dialect: DialectName, options: TestServerOptions) => Promise<TestServer>;

/**
 * The pair profile's test server: two in-process instances (each its own app, event bus and push hub) on one
 * fresh PostgreSQL schema, blobs in the run's s3rver under a fresh prefix, behind a round-robin proxy.
 * `url` is the proxy; `app`, `blobs` and `dataDir` are instance 1's, so in-process reach-ins see only it.
 * A given clock is shared by both instances, so tests that move time move it for the whole deployment.
 */
export async function startPairTestServer(
  options: TestServerOptions,
  startOne: StartOne,
): Promise<TestServer> {
  const { endpoint, bucket } = inject('pairS3');
  // The SDK reads credentials from the standard variables; s3rver checks the signature made with any pair.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
  const prefix = `pair-${randomBytes(6).toString('hex')}`;
  const spec = `s3://${bucket}/${prefix}?endpoint=${endpoint}&region=us-east-1&forcePathStyle=true&partSize=5242880`;
  const database = await openTestDatabase('postgres');
  const config = { mediaWorkers: 1, ...options.config, blobStore: spec };
  const instance = (extra: Partial<ConfigInput>): Promise<TestServer> =>
    startOne('postgres', {
      ...options,
      database,
      config: { ...config, ...extra },
      blobs: options.blobs ?? createS3BlobStore(parseS3Location(spec)),
    });
  // One after the other: the first makes the audit log's signing key (in its data folder, where tests look
  // for it) and does the recovery work; the second shares that key, as operators must configure instances.
  const one = await instance({});
  const two = await instance({ logKeyFile: config.logKeyFile ?? path.join(one.dataDir, 'keys', 'log.key') });
  const proxy = await startRoundRobinProxy([one.url, two.url]);
  return {
    url: proxy.url,
    app: one.app,
    database,
    blobs: one.blobs,
    dataDir: one.dataDir,
    async close() {
      await proxy.close();
      await one.close();
      await two.close();
      await database.close();
    },
  };
}
