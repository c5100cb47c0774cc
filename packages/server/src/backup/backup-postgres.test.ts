import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createLocalBlobStore } from '../adapters/blobs/local-blob-store.ts';
import { openDatabase } from '../adapters/db/database.ts';
import { TEST_POSTGRES_URL, type TestDatabase } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  TestClient,
  adminSession,
  allPhotos,
  distinctCopy,
  mapLimit,
  mediaSettled,
  type SignedIn,
} from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { backupInstallation } from './backup.ts';
import { restoreInstallation } from './restore.ts';

// A PostgreSQL installation: pg_dump while uploads run, pg_restore into another database.

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('backup and restore of a running PostgreSQL installation', () => {
  let source: TestServer;
  let restored: TestServer | undefined;
  let restoredDb: TestDatabase | undefined;
  let admin: SignedIn;
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-pg-backup-'));
  const databaseName = `shoebox_restore_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    source = await startTestServer('postgres');
    admin = await adminSession(source.url);
    await admin.client.uploadOk(fs.readFileSync(corpusFile('cameras/canon-eos7d.jpg')));
    await mediaSettled(admin.client);
    await sql`CREATE DATABASE ${sql.raw(databaseName)}`.execute(source.database.db);
  });
  afterAll(async () => {
    await restored?.close();
    await restoredDb?.close();
    // Closed pools let their connections go a moment later; FORCE would kill them mid-goodbye.
    for (let tries = 0; ; tries++) {
      try {
        await sql`DROP DATABASE IF EXISTS ${sql.raw(databaseName)}`.execute(source.database.db);
        break;
      } catch (err) {
        if (tries > 50) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await source.close();
    fs.rmSync(dest, { recursive: true, force: true });
  });

  it('restores every photo bit for bit, with sessions and a log that verifies on start', async () => {
    const uploads = mapLimit([1, 2, 3, 4, 5, 6], 2, (i) =>
      admin.client.uploadOk(distinctCopy(corpusFile('cameras/casio-ex-z3.jpg'), `pg-${i}`)),
    );
    const schema = source.database.schema;
    const report = await backupInstallation(
      {
        databaseUrl: source.database.url,
        ...(schema ? { schema } : {}),
        blobs: source.blobs,
        logKeyFile: path.join(source.dataDir, 'keys', 'log.key'),
      },
      dest,
    );
    await uploads;
    expect(fs.existsSync(path.join(dest, 'database.pgdump'))).toBe(true);
    expect(report.blobs).toBeGreaterThanOrEqual(3);

    const url = TEST_POSTGRES_URL.replace(/\/[^/]*$/, `/${databaseName}`);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-pg-restored-'));
    const logKeyFile = path.join(dataDir, 'keys', 'log.key');
    await restoreInstallation(dest, {
      dataDir,
      databaseUrl: url,
      ...(schema ? { schema } : {}),
      blobs: createLocalBlobStore(path.join(dataDir, 'blobs')),
      logKeyFile,
    });
    const handle = await openDatabase({ url, ...(schema ? { schema } : {}) });
    restoredDb = { ...handle, url, schema };
    restored = await startTestServer('postgres', {
      database: restoredDb,
      blobs: createLocalBlobStore(path.join(dataDir, 'blobs')),
      config: { logKeyFile },
    });
    const there = new TestClient(restored.url, admin.client.token);
    const photos = await allPhotos(there);
    expect(photos.length).toBeGreaterThanOrEqual(1);
    const before = new Set((await allPhotos(admin.client)).map((p) => p.id));
    for (const photo of photos) {
      expect(before.has(photo.id)).toBe(true);
      const original = await there.get<Buffer>(`/api/photos/${photo.id}/original`);
      expect(sha(original.body)).toBe(photo.sha256);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
