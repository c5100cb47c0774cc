// Evidence for photos shared in through albums, through the HTTP API: the member's provenance and explain rest on
// the grant entry of the member's own log, and a photo of another account that no share lets in stays an anomaly.
import fs from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Album, EvidenceEntries, ExplainReport, PhotoProvenance } from '@shoebox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  expectProblem,
  userSession,
  type SignedIn,
  type TestClient,
} from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';

const base = fs.readFileSync(corpusFile('cameras/gopro-hero6-8x8.jpg'));
/** A distinct valid JPEG each call. */
const photoBytes = () => Buffer.concat([base, randomBytes(32)]);

/** What a device does: pulls its whole feed and acknowledges it. */
async function syncAndAck(client: TestClient): Promise<void> {
  let cursor = '';
  for (;;) {
    const page = await client.get<{ cursor: string; hasMore: boolean }>(`/api/sync/changes?cursor=${cursor}`);
    expect(page.status).toBe(200);
    cursor = page.body.cursor;
    if (!page.body.hasMore) break;
  }
  expect((await client.post('/api/sync/ack', { cursor, count: 0 })).status).toBe(200);
}

async function auditEvents(client: TestClient) {
  const reply = await client.get<{ items: { seq: number; kind: string; body: Record<string, unknown> }[] }>(
    '/api/audit/events?limit=1000',
  );
  expect(reply.status).toBe(200);
  return reply.body.items;
}

const groupsOf = (r: ExplainReport) => r.groups.map((g) => [g.origin, g.photos.map((p) => p.photoId)]);

describe.each(DIALECTS)('shared-in evidence (%s)', (dialect) => {
  let server: TestServer;
  let alice: SignedIn;
  let bob: SignedIn;
  let carol: SignedIn;
  let albumId: string;
  let shared: string;
  let unshared: string;
  let carols: string;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    alice = await adminSession(server.url, 'alice@example.com');
    bob = await userSession(server.url, alice.client, 'bob@example.com');
    carol = await userSession(server.url, alice.client, 'carol@example.com');
    shared = (await alice.client.uploadOk(photoBytes())).id;
    unshared = (await alice.client.uploadOk(photoBytes())).id;
    carols = (await carol.client.uploadOk(photoBytes())).id;
    albumId = (await alice.client.post<Album>('/api/albums', { name: 'Holiday' })).body.id;
    await alice.client.post(`/api/albums/${albumId}/photos`, { photoIds: [shared] });
    const granted = await alice.client.post(`/api/albums/${albumId}/members`, {
      email: 'bob@example.com',
      role: 'contribute',
    });
    expect(granted.status).toBe(201);
    await syncAndAck(bob.client);
  });
  afterAll(() => server.close());

  it('gives the member the provenance of a shared photo, citing its own grant entry', async () => {
    // Proofs reach only as far as the signed tree: let the signer take the grant's entry in first.
    await server.app.services.checkpointer.signNow();
    const reply = await bob.client.get<PhotoProvenance>(`/api/photos/${shared}/provenance`);
    expect(reply.status).toBe(200);
    const p = reply.body;
    expect(p).toMatchObject({
      photoId: shared,
      accountId: alice.account.id,
      signIn: null,
      upload: { ip: null, place: null, cite: null },
      sharedIn: { albumId, ownerAccountId: alice.account.id, cite: { kind: 'album.share-granted' } },
      anomalies: [],
    });
    expect(p.device).toMatchObject({ id: alice.deviceId, foreign: true, serial: null });
    expect(p.deliveries).toHaveLength(1);
    expect(p.deliveries[0]).toMatchObject({ deviceId: bob.deviceId, delivered: true });
    expect(p.deliveries[0]?.cite?.kind).toBe('sync.delivered');

    // The cited entry is the member's own: listed in its log, and openable with a proof.
    const seq = p.sharedIn?.cite?.seq ?? -1;
    const grant = (await auditEvents(bob.client)).find((e) => e.seq === seq);
    expect(grant).toMatchObject({
      kind: 'album.share-granted',
      body: { albumId, granteeAccountId: bob.account.id },
    });
    const entries = await bob.client.post<EvidenceEntries>('/api/evidence/entries', {
      seqs: [seq],
      size: p.logSize,
    });
    expect(entries.body.items.map((e) => e.seq)).toEqual([seq]);
    expect(entries.body.items[0]?.proof.length).toBeGreaterThan(0);
  });

  it('answers a photo of another account outside any shared album like a missing one', async () => {
    for (const id of [unshared, carols, randomUUID()]) {
      expectProblem(await bob.client.get(`/api/photos/${id}/provenance`), 404, 'not_found');
      expectProblem(await bob.client.get(`/api/explain?photo=${id}`), 404, 'not_found');
    }
  });

  it('explains shared photos on the member’s device as shared in, not as anomalies', async () => {
    const report = (await bob.client.get<ExplainReport>('/api/explain')).body;
    expect(groupsOf(report)).toEqual([['shared-in', [shared]]]);
    const group = report.groups[0];
    const provenance = (await bob.client.get<PhotoProvenance>(`/api/photos/${shared}/provenance`)).body;
    expect(group?.sharedIn).toEqual(provenance.sharedIn);
    expect(group?.photos[0]?.deliveryCite?.kind).toBe('sync.delivered');
    expect(report.findings.map((f) => f.severity)).toEqual(['info']);
    expect(report.findings[0]?.text).toContain(`album ${albumId}`);
    expect(report.findings[0]).toMatchObject({
      code: 'shared-in',
      params: {
        count: 1,
        albumId,
        ownerAccountId: group?.sharedIn?.ownerAccountId,
        grantedAt: group?.sharedIn?.grantedAt,
      },
    });
    expect(report.findings[0]?.cites).toContainEqual(provenance.sharedIn?.cite);
    const one = (await bob.client.get<ExplainReport>(`/api/explain?photo=${shared}`)).body;
    expect(groupsOf(one)).toEqual([['shared-in', [shared]]]);
  });

  it('explains a member’s contribution to the owner through the owner’s grant to that member', async () => {
    const bobs = (await bob.client.uploadOk(photoBytes())).id;
    expect((await bob.client.post(`/api/albums/${albumId}/photos`, { photoIds: [bobs] })).status).toBe(200);
    const report = (await alice.client.get<ExplainReport>('/api/explain?scope=library')).body;
    const group = report.groups.find((g) => g.origin === 'shared-in');
    expect(group?.photos.map((p) => p.photoId)).toEqual([bobs]);
    const grant = (await auditEvents(alice.client)).find((e) => e.seq === group?.sharedIn?.cite?.seq);
    expect(grant).toMatchObject({ kind: 'album.share-granted', body: { granteeAccountId: bob.account.id } });
    expect(report.groups.some((g) => g.origin === 'anomaly')).toBe(false);
  });

  it('flags another account’s photo put into a shared album without a membership', async () => {
    await plantInAlbum(albumId, carols);
    const report = (await bob.client.get<ExplainReport>('/api/explain?scope=library')).body;
    expect(report.groups[0]?.origin).toBe('anomaly');
    expect(report.groups[0]?.photos.map((p) => [p.photoId, p.reasons])).toEqual([
      [carols, [expect.stringMatching(/belongs to another account/)]],
    ]);
    expect(report.groups.find((g) => g.origin === 'shared-in')?.photos.map((p) => p.photoId)).toContain(
      shared,
    );
    const p = (await bob.client.get<PhotoProvenance>(`/api/photos/${carols}/provenance`)).body;
    expect(p.sharedIn).toBeNull();
    expect(p.anomalies.join('\n')).toMatch(/no album shares it/);
    expect(p.anomalyCodes).toEqual(['not-shared', 'not-in-feed']);
    expect(report.groups[0]?.photos[0]?.reasonCodes).toEqual(['not-shared']);
    expect(report.findings[0]).toMatchObject({
      code: 'photo-anomaly',
      params: { photoId: carols, device: report.device.name, reasons: ['not-shared'] },
    });
    await server.database.db.deleteFrom('album_photos').where('photo_id', '=', carols).execute();
  });

  it('forgets the shared photos once the share is revoked', async () => {
    const revoked = await alice.client.call('DELETE', `/api/albums/${albumId}/members/${bob.account.id}`);
    expect(revoked.status).toBe(204);
    await syncAndAck(bob.client);
    expectProblem(await bob.client.get(`/api/photos/${shared}/provenance`), 404, 'not_found');
    for (const scope of ['delivered', 'library']) {
      const report = (await bob.client.get<ExplainReport>(`/api/explain?scope=${scope}`)).body;
      expect(report.groups.flatMap((g) => g.photos.map((p) => p.photoId))).not.toContain(shared);
      expect(report.groups.some((g) => g.origin === 'shared-in')).toBe(false);
    }

    // Shared again: the new grant is what lets the photo in, not the revoked one.
    const before = (await auditEvents(bob.client)).filter((e) => e.kind === 'album.share-granted');
    await alice.client.post(`/api/albums/${albumId}/members`, { email: 'bob@example.com', role: 'view' });
    const latest = (await auditEvents(bob.client)).filter((e) => e.kind === 'album.share-granted').at(-1);
    expect(latest?.seq).toBeGreaterThan(before.at(-1)?.seq ?? Infinity);
    const again = (await bob.client.get<PhotoProvenance>(`/api/photos/${shared}/provenance`)).body;
    expect(again.sharedIn?.cite?.seq).toBe(latest?.seq);
  });

  it('still flags a planted photo of another account, in the member’s own album or under its account', async () => {
    const own = (await bob.client.post<Album>('/api/albums', { name: 'Mine' })).body.id;
    await plantInAlbum(own, carols);
    const db = server.database.db;
    const row = await db.selectFrom('photos').selectAll().where('id', '=', carols).executeTakeFirstOrThrow();
    const { change_id: _ignored, ...copy } = row;
    const planted = randomUUID();
    await db
      .insertInto('photos')
      .values({ ...copy, id: planted, account_id: bob.account.id })
      .execute();

    const report = (await bob.client.get<ExplainReport>('/api/explain?scope=library')).body;
    const anomalies = report.groups.find((g) => g.origin === 'anomaly')?.photos ?? [];
    const reasons = new Map(anomalies.map((p) => [p.photoId, p.reasons?.join('; ')]));
    expect([...reasons.keys()].sort()).toEqual([carols, planted].sort());
    expect(reasons.get(carols)).toMatch(/belongs to another account/);
    expect(reasons.get(planted)).toMatch(/another account’s device/);
    expect(anomalies.find((p) => p.photoId === planted)?.reasonCodes).toContain('foreign-device');
    expect(report.findings.filter((f) => f.severity === 'anomaly')).toHaveLength(2);
  });

  /** An album row the sharing service would never write: a photo whose account has no part in the album. */
  async function plantInAlbum(album: string, photoId: string): Promise<void> {
    await server.database.db
      .insertInto('album_photos')
      .values({
        album_id: album,
        photo_id: photoId,
        added_at: Date.now(),
        added_by_account_id: carol.account.id,
        added_by_device_id: null,
        added_by_session_id: null,
      })
      .execute();
  }
});
