import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Photo, Problem, SnapshotLine, SyncChangesPage, SyncState } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  approvedDevice,
  userSession,
  type SignedIn,
  type TestClient,
} from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';

const base = fs.readFileSync(corpusFile('phones/xiaomi-mi9t.jpg'));
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

async function pullAll(client: TestClient, cursor: string) {
  const changes: SyncChangesPage['changes'] = [];
  for (;;) {
    const page = await client.get<SyncChangesPage>(`/api/sync/changes?cursor=${cursor}&limit=3`);
    expect(page.status).toBe(200);
    changes.push(...page.body.changes);
    cursor = page.body.cursor;
    if (!page.body.hasMore) return { changes, cursor };
  }
}

describe.each(DIALECTS)('sync feed on %s', (dialect) => {
  let server: TestServer;
  let phone: SignedIn;
  let laptop: SignedIn;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    phone = await adminSession(server.url, 'owner@example.com');
    laptop = await approvedDevice(server.url, phone.client, 'owner@example.com', 'laptop');
  });
  afterAll(() => server.close());

  it('gives a new device a snapshot, then exactly the changes made since, once each', async () => {
    const a = await phone.client.uploadOk(photoBytes());
    const b = await phone.client.uploadOk(photoBytes());
    const lines = await snapshot(laptop.client);
    const begin = lines[0];
    expect(begin?.type).toBe('begin');
    const photoIds = lines.filter((l) => l.type === 'photo').map((l) => (l as { photo: Photo }).photo.id);
    expect(photoIds.sort()).toEqual([a.id, b.id].sort());
    expect(lines.at(-1)).toMatchObject({ type: 'end', photos: 2 });

    const c = await phone.client.uploadOk(photoBytes());
    await phone.client.post(`/api/photos/${a.id}/trash`);
    await phone.client.post(`/api/photos/${a.id}/restore`);
    await phone.client.post(`/api/photos/${a.id}/trash`);
    const album = await phone.client.post<{ id: string }>('/api/albums', { name: 'Trip' });
    await phone.client.post(`/api/albums/${album.body.id}/photos`, { photoIds: [b.id, c.id] });
    await phone.client.call('DELETE', `/api/photos/${b.id}`);

    const { changes, cursor } = await pullAll(laptop.client, (begin as { cursor: string }).cursor);
    const ids = changes.map((ch) => `${ch.type}:${ch.op}:${ch.entityId}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(changes.find((ch) => ch.entityId === a.id)?.photo?.status).toBe('trashed');
    expect(changes.find((ch) => ch.entityId === c.id)?.op).toBe('upsert');
    expect(changes.find((ch) => ch.entityId === b.id)?.op).toBe('delete');
    expect(changes.find((ch) => ch.entityId === album.body.id)?.album?.photoIds.sort()).toEqual(
      [c.id].sort(),
    );
    const ids2 = changes.map((ch) => ch.id);
    expect([...ids2].sort((x, y) => x - y)).toEqual(ids2);

    const again = await laptop.client.get<SyncChangesPage>(`/api/sync/changes?cursor=${cursor}`);
    expect(again.body.changes).toEqual([]);
  });

  it('answers an unknown, foreign or future cursor with an explicit reset', async () => {
    for (const bad of [
      'garbage',
      Buffer.from('v1:other-epoch:3').toString('base64url'),
      Buffer.from('v1:x:y').toString('base64url'),
    ]) {
      const reply = await laptop.client.get<Problem>(`/api/sync/changes?cursor=${bad}`);
      expect(reply.status).toBe(410);
      expect(reply.body.code).toBe('cursor_reset');
    }
    const state = await laptop.client.get<SyncState>('/api/sync/state');
    const epoch = Buffer.from(state.body.head, 'base64url').toString().split(':')[1] ?? '';
    const future = Buffer.from(`v1:${epoch}:999999999`).toString('base64url');
    expect((await laptop.client.get<Problem>(`/api/sync/changes?cursor=${future}`)).status).toBe(410);
    const ack = await laptop.client.post<Problem>('/api/sync/ack', { cursor: future });
    expect(ack.body.code).toBe('ack_beyond_head');
  });

  it('records which device received which photo, and when', async () => {
    const p = await phone.client.uploadOk(photoBytes());
    const before = await phone.client.get<{ items: { deviceId: string; delivered: boolean }[] }>(
      `/api/sync/deliveries/${p.id}`,
    );
    expect(before.body.items.find((d) => d.deviceId === laptop.deviceId)?.delivered).toBe(false);
    const state = await laptop.client.get<SyncState>('/api/sync/state');
    const { cursor } = await pullAll(laptop.client, state.body.ackedCursor ?? state.body.head);
    const acked = await laptop.client.post<SyncState>('/api/sync/ack', { cursor, kind: 'changes', count: 1 });
    expect(acked.body.ackedCursor).toBe(cursor);
    const after = await phone.client.get<{
      items: { deviceId: string; delivered: boolean; deliveredAt: string | null; via: string }[];
    }>(`/api/sync/deliveries/${p.id}`);
    const mine = after.body.items.find((d) => d.deviceId === laptop.deviceId);
    expect(mine).toMatchObject({ delivered: true, via: 'changes' });
    expect(Date.parse(mine?.deliveredAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('keeps other accounts out of the feed', async () => {
    const other = await userSession(server.url, phone.client, 'stranger@example.com');
    const lines = await snapshot(other.client);
    expect(lines.filter((l) => l.type === 'photo')).toEqual([]);
    const state = await other.client.get<SyncState>('/api/sync/state');
    const feed = await other.client.get<SyncChangesPage>(`/api/sync/changes?cursor=${state.body.head}`);
    expect(feed.body.changes).toEqual([]);
    expect(
      (await other.client.get(`/api/sync/deliveries/${(await phone.client.uploadOk(photoBytes())).id}`))
        .status,
    ).toBe(404);
  });
});
