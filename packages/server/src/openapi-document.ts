import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from './app.ts';
import { parseConfig } from './config.ts';
import { openDatabase } from './adapters/db/database.ts';
import { createLocalBlobStore } from './adapters/blobs/local-blob-store.ts';
import { localOnlyLocator } from './adapters/geo/geo.ts';
import { createLogger } from './platform/logger.ts';

/** Builds an app on a throwaway database only to read its OpenAPI document (for docs/openapi.json). */
export async function generateOpenApiDocument(): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-openapi-'));
  const database = await openDatabase({ url: ':memory:' });
  try {
    const config = parseConfig({ dataDir, logLevel: 'silent' });
    const app = buildApp(config, {
      database,
      blobs: createLocalBlobStore(path.join(dataDir, 'blobs')),
      geo: localOnlyLocator,
      log: createLogger('silent'),
    });
    return `${JSON.stringify(app.openApi(), null, 2)}\n`;
  } finally {
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
