import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, openCheckpoint, verifyConsistency } from '@shoebox/shared/merkle/index';
import type { Device } from '@shoebox/shared';
import { createS3BlobStore } from '../adapters/blobs/s3-blob-store.ts';
import { parseS3Location } from '../adapters/blobs/s3-location.ts';
import type { AuditCheckpoint, AuditConsistencyProof } from '../audit/audit.schemas.ts';
import { openTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { startTestS3, type TestS3 } from '../../test/support/s3.ts';
import {
  TestClient,
  adminSession,
  allPhotos,
  approvedDevice,
  distinctCopy,
  eventually,
  jobsIdle,
  mediaSettled,
  userSession,
  type SignedIn,
} from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { migrateInstallation } from './migrate.ts';

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const PHOTOS = ['cameras/canon-eos7d.jpg', 'cameras/canon-eos-r5.jpg', 'cameras/casio-ex-z3.jpg'];

async function photosWithBytes(client: TestClient): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const photo of await allPhotos(client)) {
    const original = await client.get<Buffer>(`/api/photos/${photo.id}/original`);
    expect(sha(original.body)).toBe(photo.sha256);
    out.set(photo.id, photo.sha256);
  }
  return out;
}

describe('moving a SQLite installation to PostgreSQL and S3', () => {
  let source: TestServer;
  let target: TestDatabase;
  let s3: TestS3;
  let migrated: TestServer | undefined;
  let admin: SignedIn;
  let user: SignedIn;
  let phone: SignedIn;

  beforeAll(async () => {
    source = await startTestServer('sqlite');
    admin = await adminSession(source.url);
    user = await userSession(source.url, admin.client, 'user@example.com');
    phone = await approvedDevice(source.url, user.client, 'user@example.com', 'phone');
    for (const file of PHOTOS) await admin.client.uploadOk(fs.readFileSync(corpusFile(file)));
    for (const [i, file] of PHOTOS.entries())
      await phone.client.uploadOk(distinctCopy(corpusFile(file), `phone-${i}`));
    await mediaSettled(admin.client);
    await mediaSettled(user.client);
    await jobsIdle(source);
    s3 = await startTestS3();
    target = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    await migrated?.close();
    await target.close();
    await s3.close();
    await source.close();
  });

  it('copies every row and blob, verified, and the new server carries on where the old one stopped', async () => {
    const held = await eventually(async () => {
      const reply = await admin.client.get<AuditCheckpoint>('/api/audit/checkpoint');
      return reply.status === 200 ? reply.body : undefined;
    });
    const cursor = (await user.client.get<{ cursor: string }>('/api/sync/changes')).body.cursor;
    const blobs = createS3BlobStore(parseS3Location(s3.spec('migrated')));

    const report = await migrateInstallation({
      from: { databaseUrl: source.database.url, blobs: source.blobs },
      to: { databaseUrl: target.url, ...(target.schema ? { schema: target.schema } : {}), blobs },
    });
    expect(report.rows['photos']).toBe(6);
    expect(report.rows['accounts']).toBe(2);
    expect(report.blobs).toBeGreaterThanOrEqual(6 * 3); // originals, thumbnails, previews
    expect(report.blobsCopied).toBe(report.blobs);

    migrated = await startTestServer('postgres', {
      database: target,
      blobs,
      config: { logKeyFile: path.join(source.dataDir, 'keys', 'log.key') },
    });
    for (const session of [admin, user, phone]) {
      const moved = new TestClient(migrated.url, session.client.token);
      expect(await photosWithBytes(moved)).toEqual(await photosWithBytes(session.client));
      const devices = (c: TestClient) =>
        c.get<{ items: Device[] }>('/api/devices').then((r) => r.body.items.map((d) => [d.id, d.status]));
      expect(await devices(moved)).toEqual(await devices(session.client));
    }

    // Cursors stay valid and new changes get new ids after the old ones.
    const phoneThere = new TestClient(migrated.url, phone.client.token);
    const fresh = await phoneThere.uploadOk(distinctCopy(corpusFile(PHOTOS[0] ?? ''), 'after-move'));
    const changes = await new TestClient(migrated.url, user.client.token).get<{ changes: unknown[] }>(
      `/api/sync/changes?cursor=${encodeURIComponent(cursor)}`,
    );
    expect(changes.status).toBe(200);
    expect(JSON.stringify(changes.body)).toContain(fresh.id);

    // The audit log verifies on start (start() would have failed) and extends what devices hold.
    const there = new TestClient(migrated.url, admin.client.token);
    const now = await eventually(async () => {
      const reply = await there.get<AuditCheckpoint>('/api/audit/checkpoint');
      return reply.status === 200 && reply.body.size >= held.size ? reply.body : undefined;
    });
    const a = openCheckpoint(held.note, held.verifierKey);
    const b = openCheckpoint(now.note, held.verifierKey);
    if (!a.ok || !b.ok) throw new Error('checkpoint does not open with the pinned key');
    const proof = await there.get<AuditConsistencyProof>(
      `/api/audit/proofs/consistency?from=${held.size}&to=${now.size}`,
    );
    const ok = verifyConsistency(
      held.size,
      now.size,
      proof.body.proof.map(fromBase64),
      a.checkpoint.rootHash,
      b.checkpoint.rootHash,
    );
    expect(ok.ok).toBe(true);
  });

  it('refuses to copy into a database that is not empty', async () => {
    await expect(
      migrateInstallation({
        from: { databaseUrl: source.database.url, blobs: source.blobs },
        to: { databaseUrl: target.url, ...(target.schema ? { schema: target.schema } : {}) },
      }),
    ).rejects.toThrow(/not empty/);
  });
});
