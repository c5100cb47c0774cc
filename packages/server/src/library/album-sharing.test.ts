import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Album,
  AlbumMember,
  AlbumMembers,
  AlbumPhoto,
  SnapshotLine,
  SyncChange,
  SyncChangesPage,
  SyncState,
} from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  approvedDevice,
  eventually,
  expectProblem,
  userSession,
  type SignedIn,
  type TestClient,
} from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { createFeedStore } from '../sync/feed.store.ts';

const base = fs.readFileSync(corpusFile('cameras/gopro-hero6-8x8.jpg'));
/** A distinct valid JPEG each call. */
const photoBytes = () => Buffer.concat([base, randomBytes(32)]);

async function snapshot(client: TestClient): Promise<SnapshotLine[]> {
  const reply = await client.get<Buffer>('/api/sync/snapshot');
  expect(reply.status).toBe(200);
  return reply.body
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as SnapshotLine);
}

/** A device following its feed: pulls every page after its cursor and acknowledges what it applied. */
class Mirror {
  cursor = '';
  constructor(readonly client: TestClient) {}

  async start(): Promise<SnapshotLine[]> {
    const lines = await snapshot(this.client);
    const end = lines.at(-1) as Extract<SnapshotLine, { type: 'end' }>;
    this.cursor = end.cursor;
    await this.client.post('/api/sync/ack', { cursor: end.cursor, kind: 'snapshot', count: end.photos });
    return lines;
  }

  /** Every change since the last pull, acknowledged; keyed `type:entityId` to the entity's latest entry. */
  async pull(): Promise<Map<string, SyncChange>> {
    const seen = new Map<string, SyncChange>();
    for (;;) {
      const page = await this.client.get<SyncChangesPage>(`/api/sync/changes?cursor=${this.cursor}&limit=4`);
      expect(page.status).toBe(200);
      for (const change of page.body.changes) seen.set(`${change.type}:${change.entityId}`, change);
      this.cursor = page.body.cursor;
      if (!page.body.hasMore) break;
    }
    const acked = await this.client.post('/api/sync/ack', { cursor: this.cursor, count: seen.size });
    expect(acked.status).toBe(200);
    return seen;
  }
}

async function auditKinds(client: TestClient): Promise<{ kind: string; body: Record<string, unknown> }[]> {
  const reply = await client.get<{ items: { kind: string; body: Record<string, unknown> }[] }>(
    '/api/audit/events?limit=1000',
  );
  expect(reply.status).toBe(200);
  return reply.body.items;
}

describe.each(DIALECTS)('shared albums on %s', (dialect) => {
  let server: TestServer;
  let alice: SignedIn;
  let bob: SignedIn;
  let carol: SignedIn;
  let aliceFeed: Mirror;
  let bobFeed: Mirror;
  let carolFeed: Mirror;
  let albumId: string;
  const p: string[] = [];
  let bobPhoto: string;

  beforeAll(async () => {
    server = await startTestServer(dialect, { config: { mediaWorkers: 1 } });
    alice = await adminSession(server.url, 'alice@example.com');
    bob = await userSession(server.url, alice.client, 'bob@example.com');
    carol = await userSession(server.url, alice.client, 'carol@example.com');
    for (let i = 0; i < 3; i++) p.push((await alice.client.uploadOk(photoBytes())).id);
    albumId = (await alice.client.post<Album>('/api/albums', { name: 'Holiday' })).body.id;
    await alice.client.post(`/api/albums/${albumId}/photos`, { photoIds: [p[0], p[1]] });
    aliceFeed = new Mirror(alice.client);
    bobFeed = new Mirror(bob.client);
    carolFeed = new Mirror(carol.client);
    await Promise.all([aliceFeed.start(), bobFeed.start(), carolFeed.start()]);
  });
  afterAll(() => server.close());

  it("gives a member's devices the album and its photos, through the feed and in a new device's snapshot", async () => {
    const shared = await alice.client.post<AlbumMember>(`/api/albums/${albumId}/members`, {
      email: 'Bob@Example.com',
      role: 'contribute',
    });
    expect(shared.status).toBe(201);
    expect(shared.body).toMatchObject({
      accountId: bob.account.id,
      email: 'bob@example.com',
      role: 'contribute',
    });

    const got = await bobFeed.pull();
    expect(got.get(`album:${albumId}`)).toMatchObject({
      op: 'upsert',
      album: {
        name: 'Holiday',
        role: 'contribute',
        owner: { accountId: alice.account.id, email: 'alice@example.com' },
      },
    });
    expect(got.get(`album:${albumId}`)?.album?.photoIds.sort()).toEqual([p[0], p[1]].sort());
    for (const id of [p[0], p[1]])
      expect(got.get(`photo:${id}`)).toMatchObject({
        op: 'upsert',
        photo: { id, upload: { accountId: alice.account.id } },
        sharedBy: { accountId: alice.account.id, email: 'alice@example.com' },
      });
    expect(got.has(`photo:${p[2]}`)).toBe(false);
    // The grant is a change in the owner's feed too, in the same transaction (consecutive ids).
    const mine = await aliceFeed.pull();
    expect(mine.get(`album:${albumId}`)?.op).toBe('upsert');
    const rows = await server.database.db
      .selectFrom('changes')
      .select(['id', 'account_id'])
      .where('kind', '=', 'album.share-granted')
      .where('entity_id', '=', albumId)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.account_id)).toEqual([alice.account.id, bob.account.id]);
    expect(Number(rows[1]?.id) - Number(rows[0]?.id)).toBe(1);

    const list = await bob.client.get<{ items: Album[] }>('/api/albums');
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id: albumId,
        role: 'contribute',
        photoCount: 2,
        owner: expect.objectContaining({ accountId: alice.account.id }) as unknown,
      }),
    ]);
    const original = await bob.client.get<Buffer>(`/api/photos/${p[0]}/original`);
    expect(original.status).toBe(200);
    expect((await bob.client.get(`/api/photos/${p[2]}/original`)).status).toBe(404);
    const thumbnail = await eventually(async () => {
      const reply = await bob.client.get(`/api/photos/${p[0]}/thumbnail`);
      return reply.status === 200 ? reply : undefined;
    });
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg');
    expectProblem(await bob.client.get(`/api/photos/${p[2]}/thumbnail`), 404, 'not_found');

    const tablet = await approvedDevice(server.url, bob.client, 'bob@example.com', 'tablet');
    const lines = await snapshot(tablet.client);
    const photos = lines.filter((l) => l.type === 'photo');
    expect(photos.map((l) => l.photo.id).sort()).toEqual([p[0], p[1]].sort());
    expect(photos.every((l) => l.sharedBy?.accountId === alice.account.id)).toBe(true);
    const albums = lines.filter((l) => l.type === 'album');
    expect(albums.map((l) => [l.album.id, l.album.role])).toEqual([[albumId, 'contribute']]);

    for (const who of [alice, bob]) {
      const granted = (await auditKinds(who.client)).filter((e) => e.kind === 'album.share-granted');
      expect(granted).toEqual([
        expect.objectContaining({
          body: expect.objectContaining({
            albumId,
            granteeAccountId: bob.account.id,
            role: 'contribute',
            deviceId: alice.deviceId,
            sessionId: alice.response.session.id,
          }) as unknown,
        }),
      ]);
    }
  });

  it("records a member's contribution with its own account, device and session; the photo stays the member's", async () => {
    const photo = await bob.client.uploadOk(photoBytes());
    bobPhoto = photo.id;
    const added = await bob.client.post<{ changed: number }>(`/api/albums/${albumId}/photos`, {
      photoIds: [bobPhoto],
    });
    expect(added.status).toBe(200);
    expect(added.body.changed).toBe(1);

    const listing = await alice.client.get<{ photoIds: string[]; items: AlbumPhoto[] }>(
      `/api/albums/${albumId}/photos`,
    );
    expect(listing.body.items.find((i) => i.photoId === bobPhoto)).toMatchObject({
      ownerAccountId: bob.account.id,
      addedBy: {
        accountId: bob.account.id,
        deviceId: bob.deviceId,
        deviceName: 'test-device',
        sessionId: bob.response.session.id,
      },
    });
    expect(listing.body.items.find((i) => i.photoId === p[0])?.addedBy.deviceId).toBe(alice.deviceId);
    expect(photo.upload).toMatchObject({ accountId: bob.account.id, sessionId: bob.response.session.id });

    const got = await aliceFeed.pull();
    expect(got.get(`photo:${bobPhoto}`)).toMatchObject({
      op: 'upsert',
      sharedBy: { accountId: bob.account.id },
      photo: { upload: { accountId: bob.account.id, deviceId: bob.deviceId } },
    });
    expect(got.get(`album:${albumId}`)?.album?.photoIds).toContain(bobPhoto);
    // The owner sees the contribution; it is still Bob's photo, in Bob's library only.
    expect((await alice.client.get(`/api/photos/${bobPhoto}`)).status).toBe(200);
    expectProblem(await alice.client.post(`/api/photos/${bobPhoto}/trash`), 404, 'not_found');
    const timeline = await alice.client.get<{ items: { id: string }[] }>('/api/photos?limit=100');
    expect(timeline.body.items.map((i) => i.id)).not.toContain(bobPhoto);
    const bobs = await bob.client.get<{ items: { id: string }[] }>('/api/photos?limit=100');
    expect(bobs.body.items.map((i) => i.id)).toEqual([bobPhoto]);
    expect((await bobFeed.pull()).get(`album:${albumId}`)?.album?.photoIds).toContain(bobPhoto);
  });

  it("follows the owner's trash, restore and permanent delete on every member's device", async () => {
    await alice.client.post(`/api/albums/${albumId}/members`, { email: 'carol@example.com', role: 'view' });
    const granted = await carolFeed.pull();
    expect([...granted.keys()].sort()).toEqual(
      [`album:${albumId}`, `photo:${p[0]}`, `photo:${p[1]}`, `photo:${bobPhoto}`].sort(),
    );
    expect(granted.get(`photo:${bobPhoto}`)?.sharedBy?.accountId).toBe(bob.account.id);

    await alice.client.post(`/api/photos/${p[1]}/trash`);
    expect((await carolFeed.pull()).get(`photo:${p[1]}`)?.op).toBe('delete');
    expect((await carol.client.get(`/api/photos/${p[1]}/original`)).status).toBe(404);
    await alice.client.post(`/api/photos/${p[1]}/restore`);
    expect((await carolFeed.pull()).get(`photo:${p[1]}`)).toMatchObject({
      op: 'upsert',
      photo: { status: 'active' },
    });

    expect((await alice.client.call('DELETE', `/api/photos/${p[1]}`)).status).toBe(204);
    for (const mirror of [carolFeed, bobFeed, aliceFeed]) {
      const got = await mirror.pull();
      expect(got.get(`photo:${p[1]}`)?.op).toBe('delete');
      expect(got.get(`album:${albumId}`)?.album?.photoIds).not.toContain(p[1]);
    }
  });

  it("removes the album's photos from a revoked member's devices through the feed; delivery records still answer", async () => {
    const tablet = await approvedDevice(server.url, bob.client, 'bob@example.com', 'tablet-2');
    const tabletFeed = new Mirror(tablet.client);
    await tabletFeed.start();
    await bobFeed.pull();

    expect(
      (await alice.client.call('DELETE', `/api/albums/${albumId}/members/${bob.account.id}`)).status,
    ).toBe(204);
    for (const mirror of [bobFeed, tabletFeed]) {
      const got = await mirror.pull();
      expect(got.get(`album:${albumId}`)?.op).toBe('delete');
      expect(got.get(`photo:${p[0]}`)?.op).toBe('delete');
      expect(got.has(`photo:${bobPhoto}`)).toBe(false);
    }
    expectProblem(await bob.client.get(`/api/photos/${p[0]}/original`), 404, 'not_found');
    expectProblem(await bob.client.get(`/api/albums/${albumId}`), 404, 'not_found');
    expect((await bob.client.get<{ items: Album[] }>('/api/albums')).body.items).toEqual([]);
    // Bob's own photo leaves the album with him, and the devices of those who stay.
    const aliceGot = await aliceFeed.pull();
    expect(aliceGot.get(`photo:${bobPhoto}`)?.op).toBe('delete');
    expect(aliceGot.get(`album:${albumId}`)?.album?.photoIds).toEqual([p[0]]);
    expect((await carolFeed.pull()).get(`photo:${bobPhoto}`)?.op).toBe('delete');
    expect((await bob.client.get(`/api/photos/${bobPhoto}`)).status).toBe(200);

    // Which of Bob's devices received Alice's photo, and how, is still on record.
    const deliveries = await bob.client.get<{
      items: { deviceId: string; delivered: boolean; via: string }[];
    }>(`/api/sync/deliveries/${p[0]}`);
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.items.find((d) => d.deviceId === bob.deviceId)).toMatchObject({
      delivered: true,
      via: 'changes',
    });
    expect(deliveries.body.items.find((d) => d.deviceId === tablet.deviceId)).toMatchObject({
      delivered: true,
      via: 'snapshot',
    });

    for (const who of [alice, bob]) {
      const revoked = (await auditKinds(who.client)).filter((e) => e.kind === 'album.share-revoked');
      expect(revoked.map((e) => e.body)).toEqual([
        expect.objectContaining({ albumId, granteeAccountId: bob.account.id, deviceId: alice.deviceId }),
      ]);
    }
  });

  it('lets a member leave, and the owner list and change members', async () => {
    const members = await alice.client.get<AlbumMembers>(`/api/albums/${albumId}/members`);
    expect(members.body.owner.accountId).toBe(alice.account.id);
    expect(members.body.items.map((m) => [m.email, m.role])).toEqual([['carol@example.com', 'view']]);
    const again = await alice.client.post<AlbumMember>(`/api/albums/${albumId}/members`, {
      email: 'carol@example.com',
      role: 'contribute',
    });
    expect(again.status).toBe(200);
    expect((await carolFeed.pull()).get(`album:${albumId}`)?.album?.role).toBe('contribute');
    expectProblem(
      await alice.client.post(`/api/albums/${albumId}/members`, { email: 'alice@example.com' }),
      400,
      'bad_request',
    );
    expectProblem(
      await alice.client.post(`/api/albums/${albumId}/members`, { email: 'nobody@example.com' }),
      404,
      'not_found',
    );

    expect(
      (await carol.client.call('DELETE', `/api/albums/${albumId}/members/${carol.account.id}`)).status,
    ).toBe(204);
    const left = await carolFeed.pull();
    expect(left.get(`album:${albumId}`)?.op).toBe('delete');
    expect(left.get(`photo:${p[0]}`)?.op).toBe('delete');
    expect((await alice.client.get<AlbumMembers>(`/api/albums/${albumId}/members`)).body.items).toEqual([]);
    const state = await carol.client.get<SyncState>('/api/sync/state');
    expect(state.body.ackedCursor).toBe(state.body.head);
  });

  it("leaves what was shared after a snapshot's cursor to the feed, so a new device gets each photo once", async () => {
    const dave = await userSession(server.url, alice.client, 'dave@example.com');
    const feed = createFeedStore();
    const db = server.database.db;
    const before = await feed.head(db, dave.account.id);
    await alice.client.post(`/api/albums/${albumId}/members`, { email: 'dave@example.com' });
    const after = await feed.head(db, dave.account.id);
    expect(after).toBeGreaterThan(before);
    // A snapshot that began before the grant but reads after it: none of the album is in it...
    expect(await feed.snapshotSharedPhotos(db, dave.account.id, before, '', 100)).toEqual([]);
    expect(await feed.snapshotAlbums(db, dave.account.id, before)).toEqual([]);
    expect((await feed.snapshotSharedPhotos(db, dave.account.id, after, '', 100)).map((r) => r.id)).toEqual([
      p[0],
    ]);
    // ...and all of it follows in the feed after that snapshot's cursor.
    const mirror = new Mirror(dave.client);
    mirror.cursor = server.app.services.sync.cursorFor(before);
    const got = await mirror.pull();
    expect([...got.keys()].sort()).toEqual([`album:${albumId}`, `photo:${p[0]}`].sort());
  });
});
