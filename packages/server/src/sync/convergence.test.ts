import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoDelivery, SnapshotLine, SyncChangesPage } from '@shoebox/shared';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  allPhotos,
  approvedDevice,
  userSession,
  type SignedIn,
  type TestClient,
} from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';

// Property: whatever the order of uploads, trashes, restores, permanent deletes, devices going quiet and a
// device joining mid-change, every device's replica (built only from the snapshot and the feed) ends equal to
// the server's library, and the delivery records say when each device received each photo.

const tiny = fs.readFileSync(corpusFile('cameras/nikon-e775-8x8.jpg'));
/** A distinct valid JPEG each call (bytes after the end-of-image marker change the SHA-256, not the picture). */
const photoBytes = () => Buffer.concat([tiny, randomBytes(16)]);

type Op =
  | { kind: 'upload'; by: number }
  | { kind: 'trash' | 'restore' | 'delete'; by: number; pick: number }
  | { kind: 'pull' | 'disconnect' | 'reconnect'; device: number }
  | { kind: 'join' };

const device = fc.nat({ max: 3 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('upload' as const), by: device }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('trash' as const, 'restore' as const, 'delete' as const),
      by: device,
      pick: fc.nat(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constantFrom('pull' as const, 'disconnect' as const, 'reconnect' as const),
      device,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'join' as const }) },
);
/** Ops in a batch run at the same time, so the server sees real interleavings; batches run one after another. */
const scenario = fc.array(fc.array(op, { minLength: 1, maxLength: 3 }), { minLength: 3, maxLength: 8 });

interface Received {
  /** The ack that made this device's copy count: the server's time must fall between these. */
  after: number;
  before: number;
  via: 'snapshot' | 'changes';
}

/** A simulated device: a replica (photo id → status) applied from the snapshot and the feed, acked page by page. */
class Replica {
  readonly photos = new Map<string, string>();
  readonly received = new Map<string, Received>();
  cursor = '';
  online = true;
  constructor(readonly session: SignedIn) {}

  get client(): TestClient {
    return this.session.client;
  }

  async snapshot(): Promise<void> {
    const reply = await this.client.get<Buffer>('/api/sync/snapshot');
    expect(reply.status).toBe(200);
    const lines = reply.body
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SnapshotLine);
    this.photos.clear();
    const fresh: string[] = [];
    for (const line of lines) {
      if (line.type !== 'photo') continue;
      this.photos.set(line.photo.id, line.photo.status);
      if (!this.received.has(line.photo.id)) fresh.push(line.photo.id);
    }
    const end = lines.at(-1);
    if (end?.type !== 'end') throw new Error('snapshot without its end line');
    await this.ack(end.cursor, 'snapshot', fresh);
  }

  /** Follows the feed to its head in small pages (so paging is exercised), acknowledging each page. */
  async pull(): Promise<void> {
    for (;;) {
      const page = await this.client.get<SyncChangesPage>(`/api/sync/changes?cursor=${this.cursor}&limit=2`);
      if (page.status === 410) {
        await this.snapshot();
        continue;
      }
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      const fresh: string[] = [];
      for (const change of page.body.changes) {
        if (change.type !== 'photo') continue;
        if (change.op === 'delete') this.photos.delete(change.entityId);
        else if (change.photo) {
          this.photos.set(change.entityId, change.photo.status);
          if (!this.received.has(change.entityId)) fresh.push(change.entityId);
        }
      }
      if (page.body.cursor !== this.cursor) await this.ack(page.body.cursor, 'changes', fresh);
      if (!page.body.hasMore) return;
    }
  }

  private async ack(cursor: string, kind: Received['via'], fresh: string[]): Promise<void> {
    const after = Date.now();
    const reply = await this.client.post('/api/sync/ack', { cursor, kind, count: fresh.length });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const before = Date.now();
    this.cursor = cursor;
    for (const id of fresh) this.received.set(id, { after, before, via: kind });
  }
}

describe.each(DIALECTS)('convergence of devices on %s', (dialect) => {
  let server: TestServer;
  let admin: SignedIn;
  let accounts = 0;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    admin = await adminSession(server.url, 'admin@example.com');
  });
  afterAll(() => server.close());

  /** A fresh account with `devices` trusted devices, each holding an (empty) replica from the snapshot. */
  async function account(devices: number) {
    const email = `owner-${++accounts}@example.com`;
    const first = await userSession(server.url, admin.client, email);
    const replicas = [new Replica(first)];
    for (let i = 1; i < devices; i++)
      replicas.push(new Replica(await approvedDevice(server.url, first.client, email, `device-${i}`)));
    await Promise.all(replicas.map((r) => r.snapshot()));
    return { email, first, replicas };
  }

  async function deliveryTo(r: Replica, photoId: string): Promise<PhotoDelivery | undefined> {
    const reply = await r.client.get<{ items: PhotoDelivery[] }>(`/api/sync/deliveries/${photoId}`);
    expect(reply.status).toBe(200);
    return reply.body.items.find((d) => d.deviceId === r.session.deviceId);
  }

  async function run(devices: number, batches: Op[][]): Promise<void> {
    const { email, first, replicas } = await account(devices);
    const uploaded: string[] = [];
    let joined = false;

    const apply = async (o: Op): Promise<void> => {
      if (o.kind === 'join') {
        if (joined) return;
        joined = true;
        const newcomer = new Replica(await approvedDevice(server.url, first.client, email, 'newcomer'));
        replicas.push(newcomer);
        await newcomer.snapshot();
        return;
      }
      if (o.kind === 'upload') {
        const by = replicas[o.by % replicas.length] as Replica;
        uploaded.push((await by.client.uploadOk(photoBytes())).id);
        return;
      }
      if ('pick' in o) {
        const id = uploaded[o.pick % Math.max(1, uploaded.length)];
        if (!id) return;
        const by = (replicas[o.by % replicas.length] as Replica).client;
        const reply =
          o.kind === 'delete'
            ? await by.call('DELETE', `/api/photos/${id}`)
            : await by.post(`/api/photos/${id}/${o.kind}`);
        // Racing with a permanent delete in the same batch (or an earlier one) is allowed to find nothing.
        expect([200, 204, 404, 409], JSON.stringify(reply.body)).toContain(reply.status);
        return;
      }
      const target = replicas[o.device % replicas.length] as Replica;
      if (o.kind === 'disconnect') target.online = false;
      else if (o.kind === 'reconnect') target.online = true;
      else if (target.online) await target.pull();
    };

    for (const batch of batches) await Promise.all(batch.map(apply));

    // Everyone comes back and catches up; then every replica is the server's library.
    for (const r of replicas) {
      r.online = true;
      await r.pull();
    }
    const library = new Map<string, string>();
    for (const p of [...(await allPhotos(first.client)), ...(await allPhotos(first.client, 'trashed'))])
      library.set(p.id, p.status);
    for (const r of replicas) expect(new Map([...r.photos].sort())).toEqual(new Map([...library].sort()));

    // "When did device D receive photo P?": every photo a device applied is recorded as delivered to it, no
    // later than the ack that brought it (and never earlier than the page that brought it: see below).
    for (const id of uploaded) {
      const reply = await first.client.get<{ items: PhotoDelivery[] }>(`/api/sync/deliveries/${id}`);
      expect(reply.status).toBe(200);
      for (const r of replicas) {
        const seen = r.received.get(id);
        if (!seen) continue;
        const record = reply.body.items.find((d) => d.deviceId === r.session.deviceId);
        expect(record?.delivered, `${id} on ${r.session.deviceId}`).toBe(true);
        expect(Date.parse(record?.deliveredAt ?? '')).toBeLessThanOrEqual(seen.before);
      }
    }
  }

  it('two devices converge under random interleavings', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (batches) => run(2, batches)),
      { numRuns: 4, endOnFailure: true },
    );
  });

  it('three devices (and one joining mid-change) converge', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (batches) =>
        run(3, [[{ kind: 'upload', by: 0 }], ...batches, [{ kind: 'join' }]]),
      ),
      { numRuns: 3, endOnFailure: true },
    );
  });

  // A delivery is a range of change ids plus the feed head the page was read at. A page leaves out a row superseded
  // by a later change (the photo comes in a later page), and a photo deleted before the device read the page never
  // reached it: the records must say so exactly.
  it('dates a delivery by the page that brought the photo, not the page that skipped it', async () => {
    const { first, replicas } = await account(2);
    const laptop = replicas[1] as Replica;
    const p = await first.client.uploadOk(photoBytes());
    await first.client.uploadOk(photoBytes());
    await new Promise((resolve) => setTimeout(resolve, 50));
    await first.client.post(`/api/photos/${p.id}/trash`);
    await laptop.pull(); // limit 2: P's upload is in page 1 but superseded by the trash in page 2
    const seen = laptop.received.get(p.id);
    const record = await deliveryTo(laptop, p.id);
    expect(Date.parse(record?.deliveredAt ?? '')).toBeGreaterThanOrEqual(seen?.after ?? Infinity);
  });

  it('does not record a photo deleted before the device ever saw it as delivered', async () => {
    const { first, replicas } = await account(2);
    const laptop = replicas[1] as Replica;
    const p = await first.client.uploadOk(photoBytes());
    expect((await first.client.call('DELETE', `/api/photos/${p.id}`)).status).toBe(204);
    await laptop.pull();
    expect(laptop.received.has(p.id)).toBe(false);
    expect((await deliveryTo(laptop, p.id))?.delivered).toBe(false);
  });
});
