import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import type { Config } from './config.ts';
import { openDatabase, type DatabaseHandle } from './adapters/db/database.ts';
import { openBlobStore } from './adapters/blobs/open-blob-store.ts';
import { openGeoLocator } from './adapters/geo/mmdb-locator.ts';
import { buildApp, type ShoeboxApp } from './app.ts';
import { createLogger, type Logger } from './platform/logger.ts';

export interface RunningServer {
  readonly app: ShoeboxApp;
  readonly url: string;
  readonly port: number;
  readonly database: DatabaseHandle;
  close(): Promise<void>;
}

/** Opens the database and blob store named by the config, builds the app, and listens. */
export async function startServer(config: Config, options: { log?: Logger } = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel);
  const database = await openDatabase({ url: config.databaseUrl });
  const blobs = openBlobStore(config);
  const geo = await openGeoLocator();
  const app = buildApp(config, { database, blobs, geo, log });
  await app.start();

  const server = await listen(app, config);
  app.attach(server as HttpServer);
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  log.info({ url, database: database.location, dataDir: config.dataDir }, 'shoebox is serving');

  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    port,
    database,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Idle keep-alive connections would hold close() open for their timeout.
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await app.stop();
        await database.close();
      })();
      return closing;
    },
  };
}

function listen(app: ShoeboxApp, config: Config): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.http.fetch, port: config.port, hostname: config.host }, () =>
      resolve(server),
    );
    server.once('error', reject);
  });
}
