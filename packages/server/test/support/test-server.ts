import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import { parseConfig, type ConfigInput } from '../../src/config.ts';
import { buildApp, type ShoeboxApp } from '../../src/app.ts';
import { createLocalBlobStore } from '../../src/adapters/blobs/local-blob-store.ts';
import type { BlobStore } from '../../src/adapters/blobs/blob-store.ts';
import { openGeoLocator } from '../../src/adapters/geo/mmdb-locator.ts';
import type { GeoLocator } from '../../src/adapters/geo/geo.ts';
import type { DialectName } from '../../src/adapters/db/database.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { PAIR_PROFILE } from './test-profile.ts';
import { startPairTestServer } from './pair-server.ts';

let sharedGeo: Promise<GeoLocator> | undefined;
/** The real IP database, opened once per test file (it takes ~0.5 s and ~135 MB). */
export function testGeo(): Promise<GeoLocator> {
  sharedGeo ??= openGeoLocator();
  return sharedGeo;
}

export interface TestServer {
  url: string;
  app: ShoeboxApp;
  database: TestDatabase;
  blobs: BlobStore;
  dataDir: string;
  close(): Promise<void>;
}

export interface TestServerOptions {
  config?: Partial<ConfigInput>;
  clock?: Clock;
  /** Share this database with another test server (several instances); it is not closed by this server. */
  database?: TestDatabase;
  /** Another blob store (S3) instead of `<dataDir>/blobs`. */
  blobs?: BlobStore;
}

/**
 * A real Shoebox HTTP server on a loopback port, on a fresh database of the given dialect. In the pair profile
 * (test-profile.ts) a PostgreSQL server without a given `database` is two instances on S3 behind a proxy
 * (pair-server.ts): `url` reaches both in turn, `app` is instance 1 only.
 */
export async function startTestServer(
  dialect: DialectName,
  options: TestServerOptions = {},
): Promise<TestServer> {
  if (PAIR_PROFILE && dialect === 'postgres' && !options.database) {
    return startPairTestServer(options, startOneTestServer);
  }
  return startOneTestServer(dialect, options);
}

async function startOneTestServer(dialect: DialectName, options: TestServerOptions): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-test-'));
  const shared = options.database;
  const database = shared ?? (await openTestDatabase(dialect));
  const config = parseConfig({
    dataDir,
    databaseUrl: database.url,
    port: 0,
    logLevel: 'silent',
    mediaWorkers: 2,
    trustProxy: ['127.0.0.1'],
    ...options.config,
  });
  const blobs = options.blobs ?? createLocalBlobStore(path.join(dataDir, 'blobs'));
  const app = buildApp(config, {
    database,
    blobs,
    geo: await testGeo(),
    log: createLogger('silent'),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await app.start();
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.http.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  app.attach(server as Server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    database,
    blobs,
    dataDir,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await app.stop();
      if (!shared) await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TwoInstances {
  one: TestServer;
  two: TestServer;
  close(): Promise<void>;
}

/** Two real server instances sharing one fresh PostgreSQL database, as a multi-instance deployment runs. */
export async function startTwoInstances(): Promise<TwoInstances> {
  const database = await openTestDatabase('postgres');
  // Instances of one deployment share the audit log's signing key, as operators must configure them.
  const keys = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-keys-'));
  const config = { logKeyFile: path.join(keys, 'log.key') };
  const one = await startTestServer('postgres', { database, config });
  const two = await startTestServer('postgres', { database, config });
  return {
    one,
    two,
    async close() {
      await one.close();
      await two.close();
      await database.close();
      fs.rmSync(keys, { recursive: true, force: true });
    },
  };
}
