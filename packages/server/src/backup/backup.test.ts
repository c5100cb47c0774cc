import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, openCheckpoint, verifyConsistency } from '@shoebox/shared/merkle/index';
import type { Device, Photo } from '@shoebox/shared';
import { parseConfig } from '../config.ts';
import { startServer, type RunningServer } from '../server.ts';
import { createLocalBlobStore } from '../adapters/blobs/local-blob-store.ts';
import { createLogger } from '../platform/logger.ts';
import type { AuditCheckpoint, AuditConsistencyProof } from '../audit/audit.schemas.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  TestClient,
  adminSession,
  allPhotos,
  approvedDevice,
  distinctCopy,
  eventually,
  jobsIdle,
  mapLimit,
  mediaSettled,
  userSession,
  type SignedIn,
} from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { backupInstallation, type BackupSource } from './backup.ts';
import { restoreInstallation } from './restore.ts';
import { readManifest } from './manifest.ts';

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const PHOTOS = ['cameras/canon-eos7d.jpg', 'cameras/canon-eos-r5.jpg', 'cameras/casio-ex-z3.jpg'];

/** Starts a server on a restored data folder; start() itself verifies the whole audit log. */
async function restoreAndStart(backup: string): Promise<{ server: RunningServer; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-restored-'));
  const config = parseConfig({ dataDir, port: 0, logLevel: 'silent', mediaWorkers: 1 });
  await restoreInstallation(backup, {
    dataDir,
    databaseUrl: config.databaseUrl,
    blobs: createLocalBlobStore(path.join(dataDir, 'blobs')),
    logKeyFile: config.logKeyFile,
  });
  return { server: await startServer(config, { log: createLogger('silent') }), dataDir };
}

/** Every photo of the account, with its original downloaded and hashed. */
async function photosWithBytes(client: TestClient): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const photo of await allPhotos(client)) {
    const original = await client.get<Buffer>(`/api/photos/${photo.id}/original`);
    expect(original.status).toBe(200);
    expect(sha(original.body)).toBe(photo.sha256);
    out.set(photo.id, photo.sha256);
  }
  return out;
}

describe('backup and restore of a running SQLite installation', () => {
  let source: TestServer;
  let from: BackupSource;
  let admin: SignedIn;
  let user: SignedIn;
  let phone: SignedIn;
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-backup-'));
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    source = await startTestServer('sqlite');
    from = {
      databaseUrl: source.database.url,
      blobs: source.blobs,
      logKeyFile: path.join(source.dataDir, 'keys', 'log.key'),
    };
    admin = await adminSession(source.url);
    user = await userSession(source.url, admin.client, 'user@example.com');
    phone = await approvedDevice(source.url, user.client, 'user@example.com', 'phone');
    for (const file of PHOTOS) await admin.client.uploadOk(fs.readFileSync(corpusFile(file)));
    await user.client.uploadOk(distinctCopy(corpusFile(PHOTOS[0] ?? ''), 'user'));
    await mediaSettled(admin.client);
  });
  afterAll(async () => {
    for (const close of cleanup.reverse()) await close();
    await source.close();
    fs.rmSync(dest, { recursive: true, force: true });
  });

  it('backs up while uploads run, and the restore has every photo it names bit for bit', async () => {
    const before = await photosWithBytes(admin.client);
    const uploads = mapLimit(
      Array.from({ length: 12 }, (_, i) => i),
      3,
      (i) => phone.client.uploadOk(distinctCopy(corpusFile(PHOTOS[i % PHOTOS.length] ?? ''), `busy-${i}`)),
    );
    const report = await backupInstallation(from, dest);
    await uploads;
    expect(report.blobsCopied).toBe(report.blobs);
    expect(report.blobs).toBeGreaterThanOrEqual(before.size);

    const { server, dataDir } = await restoreAndStart(dest);
    cleanup.push(async () => {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    const restoredAdmin = new TestClient(server.url, admin.client.token);
    expect(await photosWithBytes(restoredAdmin)).toEqual(before);
    // Photos uploaded during the backup are either wholly in it or not at all.
    const restoredUser = await photosWithBytes(new TestClient(server.url, user.client.token));
    expect(restoredUser.size).toBeGreaterThanOrEqual(1);
  });

  it('copies only new blobs on repeat, and a restore equals the source: photos, devices, sessions, audit log', async () => {
    await jobsIdle(source);
    const held = await eventually(async () => {
      const reply = await admin.client.get<AuditCheckpoint>('/api/audit/checkpoint');
      return reply.status === 200 ? reply.body : undefined;
    });
    const cursor = (await admin.client.get<{ cursor: string }>('/api/sync/changes')).body.cursor;
    const first = await readManifest(dest);
    const report = await backupInstallation(from, dest);
    expect(report.blobsCopied).toBeGreaterThan(0);
    expect(report.blobsCopied).toBeLessThan(report.blobs);
    const again = await backupInstallation(from, dest);
    expect(again.blobsCopied).toBe(0);
    const manifest = await readManifest(dest);
    expect(Object.keys(manifest?.blobs ?? {}).length).toBeGreaterThan(Object.keys(first?.blobs ?? {}).length);
    expect(manifest?.logKey?.file).toBe('keys/log.key');

    const { server, dataDir } = await restoreAndStart(dest);
    cleanup.push(async () => {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    for (const session of [admin, user, phone]) {
      const restored = new TestClient(server.url, session.client.token);
      expect(await photosWithBytes(restored)).toEqual(await photosWithBytes(session.client));
      const devices = (c: TestClient) =>
        c.get<{ items: Device[] }>('/api/devices').then((r) => r.body.items.map((d) => [d.id, d.status]));
      expect(await devices(restored)).toEqual(await devices(session.client));
    }
    // Changes after the backup may be given out again under the same ids: old cursors must start over.
    const stale = await new TestClient(server.url, admin.client.token).get(
      `/api/sync/changes?cursor=${encodeURIComponent(cursor)}`,
    );
    expect(stale.status).toBe(410);
    // Thumbnails came along too.
    const [photo] = await allPhotos(new TestClient(server.url, admin.client.token));
    const thumb = await new TestClient(server.url, admin.client.token).get(
      `/api/photos/${(photo as Photo).id}/thumbnail`,
    );
    expect(thumb.status).toBe(200);

    // The checkpoint a device held before the backup is a prefix of the restored log, under the same key.
    const restoredAdmin = new TestClient(server.url, admin.client.token);
    const now = await eventually(async () => {
      const reply = await restoredAdmin.get<AuditCheckpoint>('/api/audit/checkpoint');
      return reply.status === 200 && reply.body.size >= held.size ? reply.body : undefined;
    });
    expect(now.verifierKey).toBe(held.verifierKey);
    const a = openCheckpoint(held.note, held.verifierKey);
    const b = openCheckpoint(now.note, held.verifierKey);
    if (!a.ok || !b.ok) throw new Error('checkpoint does not open with the pinned key');
    const proof = await restoredAdmin.get<AuditConsistencyProof>(
      `/api/audit/proofs/consistency?from=${held.size}&to=${now.size}`,
    );
    expect(
      verifyConsistency(
        held.size,
        now.size,
        proof.body.proof.map(fromBase64),
        a.checkpoint.rootHash,
        b.checkpoint.rootHash,
      ).ok,
    ).toBe(true);
  });

  it('refuses a backup whose files were damaged', async () => {
    const manifest = await readManifest(dest);
    const key = Object.keys(manifest?.blobs ?? {})[0] ?? '';
    const file = path.join(dest, 'blobs', key);
    const good = fs.readFileSync(file);
    fs.writeFileSync(file, Buffer.concat([good, Buffer.from('x')]));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-restored-'));
    try {
      await expect(
        restoreInstallation(dest, {
          dataDir,
          databaseUrl: `sqlite:${path.join(dataDir, 'shoebox.db')}`,
          blobs: createLocalBlobStore(path.join(dataDir, 'blobs')),
          logKeyFile: path.join(dataDir, 'keys', 'log.key'),
        }),
      ).rejects.toThrow(/damaged/);
      expect(fs.existsSync(path.join(dataDir, 'shoebox.db'))).toBe(false);
    } finally {
      fs.writeFileSync(file, good);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
