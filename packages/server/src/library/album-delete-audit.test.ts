// Deleting a shared album ends every membership, and the audit record says so as an explicit revoke does: one
// `album.share-revoked` per member, on the owner's log and on the member's, committed with the deletion (a deletion
// that rolls back leaves none). Explain then no longer counts the album's photos as shared with the former members.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Album } from '@shoebox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { adminSession, eventually, userSession, type SignedIn } from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { openGrants } from '../evidence/evidence.shared.ts';
import { createEvidenceStore, TRUST_KINDS } from '../evidence/evidence.store.ts';
import { systemClock } from '../platform/clock.ts';
import { createAlbumFeed } from './album-feed.ts';
import { createAlbumsService } from './albums.service.ts';
import { createAlbumsStore } from './albums.store.ts';
import { createChangesStore } from './changes.store.ts';

const base = fs.readFileSync(corpusFile('cameras/gopro-hero6-8x8.jpg'));
/** A distinct valid JPEG each call. */
const photoBytes = () => Buffer.concat([base, randomBytes(32)]);

type Entry = { kind: string; body: Record<string, unknown> };

describe.each(DIALECTS)('deleting a shared album (%s)', (dialect) => {
  let server: TestServer;
  let alice: SignedIn;
  let bob: SignedIn;
  let carol: SignedIn;
  let photoId: string;
  let albumId: string;
  const evidence = createEvidenceStore();

  /** The account's `album.share-revoked` entries for `album`, read from its log as explain reads it. */
  async function revokes(accountId: string, album: string): Promise<Entry[]> {
    const events = await evidence.events(server.database.db, accountId, ['album.share-revoked']);
    return events.map((e) => ({ kind: e.kind, body: e.body })).filter((e) => e.body['albumId'] === album);
  }

  /** The grant of the account's own log that keeps `album` open for it, as explain reads it. */
  async function openGrant(accountId: string, album: string) {
    const events = await evidence.events(server.database.db, accountId, TRUST_KINDS);
    return openGrants(events).get(`${album}:${accountId}`);
  }

  /** An album of `owner` holding one of its photos, shared with Bob and Carol. */
  async function sharedAlbum(owner: SignedIn, name: string): Promise<{ albumId: string; photoId: string }> {
    const photo = (await owner.client.uploadOk(photoBytes())).id;
    const album = (await owner.client.post<Album>('/api/albums', { name })).body.id;
    expect((await owner.client.post(`/api/albums/${album}/photos`, { photoIds: [photo] })).status).toBe(200);
    for (const email of ['bob@example.com', 'carol@example.com'])
      expect((await owner.client.post(`/api/albums/${album}/members`, { email, role: 'view' })).status).toBe(
        201,
      );
    return { albumId: album, photoId: photo };
  }

  beforeAll(async () => {
    server = await startTestServer(dialect, { config: { mediaWorkers: 1 } });
    alice = await adminSession(server.url, 'alice@example.com');
    bob = await userSession(server.url, alice.client, 'bob@example.com');
    carol = await userSession(server.url, alice.client, 'carol@example.com');
    ({ albumId, photoId } = await sharedAlbum(alice, 'Holiday'));
  });
  afterAll(() => server.close());

  it('records nothing when the deletion rolls back', async () => {
    // The same service, but the album's row refuses to go: the whole deletion, records included, rolls back.
    const albums = createAlbumsService({
      db: server.database.db,
      albums: {
        ...createAlbumsStore(),
        delete: () => Promise.reject(new Error('the album row would not go')),
      },
      feed: createAlbumFeed(createChangesStore(server.database.features), server.app.events),
      clock: systemClock,
      audit: server.app.services.audit,
    });
    await expect(albums.deleteOwnedBy(alice.account.id)).rejects.toThrow('the album row would not go');
    for (const who of [alice, bob, carol]) expect(await revokes(who.account.id, albumId)).toEqual([]);
    for (const who of [bob, carol]) {
      expect((await who.client.get(`/api/albums/${albumId}`)).status).toBe(200);
      expect(await openGrant(who.account.id, albumId)).toBeDefined();
    }
    expect((await bob.client.get(`/api/photos/${photoId}/provenance`)).status).toBe(200);
  });

  it("closes each member's grant on its own log and on the owner's, in the deletion's transaction", async () => {
    expect((await alice.client.call('DELETE', `/api/albums/${albumId}`)).status).toBe(204);

    for (const who of [bob, carol]) {
      const entries = await revokes(who.account.id, albumId);
      const ip = entries[0]?.body['ip'];
      expect(typeof ip).toBe('string');
      // The explicit revoke's body, naming the owner's device and session that deleted the album.
      expect(entries).toEqual([
        {
          kind: 'album.share-revoked',
          body: {
            albumId,
            granteeAccountId: who.account.id,
            deviceId: alice.deviceId,
            sessionId: alice.response.session.id,
            ip,
          },
        },
      ]);
      // Through the member's own API too, as its activity page reads it.
      const page = await who.client.get<{ items: Entry[] }>('/api/audit/events?limit=1000');
      expect(
        page.body.items.filter((e) => e.kind === 'album.share-revoked').map((e) => e.body['albumId']),
      ).toEqual([albumId]);
    }
    // The owner's log, as the explicit revoke writes it: one per member.
    const owners = await revokes(alice.account.id, albumId);
    expect(owners.map((e) => e.body['granteeAccountId']).sort()).toEqual(
      [bob.account.id, carol.account.id].sort(),
    );
    expect(owners.every((e) => e.body['deviceId'] === alice.deviceId)).toBe(true);

    // Explain and provenance: nothing shares the album's photos with the former members any more.
    for (const who of [bob, carol]) {
      expect(await openGrant(who.account.id, albumId)).toBeUndefined();
      expect((await who.client.get(`/api/photos/${photoId}/provenance`)).status).toBe(404);
      const shared = await evidence.shared(server.database.db, who.account.id);
      expect(shared.filter((r) => r.album_id === albumId)).toEqual([]);
    }
  });

  it("records the revokes when an account's deletion takes its shared albums (no device: the server did it)", async () => {
    const dave = await userSession(server.url, alice.client, 'dave@example.com');
    const daves = await sharedAlbum(dave, 'Dave’s');
    expect(
      (await alice.client.call('DELETE', `/api/admin/accounts/${dave.account.id}`, { reason: 'asked to' }))
        .status,
    ).toBe(202);
    await eventually(
      async () =>
        (await server.database.db
          .selectFrom('accounts')
          .select('id')
          .where('id', '=', dave.account.id)
          .executeTakeFirst())
          ? undefined
          : true,
      30_000,
      'the deletion job',
    );
    for (const who of [bob, carol]) {
      expect(await revokes(who.account.id, daves.albumId)).toEqual([
        {
          kind: 'album.share-revoked',
          body: {
            albumId: daves.albumId,
            granteeAccountId: who.account.id,
            deviceId: null,
            sessionId: null,
            ip: null,
          },
        },
      ]);
      expect(await openGrant(who.account.id, daves.albumId)).toBeUndefined();
      expect((await who.client.get(`/api/albums/${daves.albumId}`)).status).toBe(404);
    }
  });
});
