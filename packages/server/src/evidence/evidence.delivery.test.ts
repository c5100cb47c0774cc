// Explain's and provenance's "delivered at T, in acknowledgement #seq" follow the sync delivery rule
// (sync/delivery-rule.ts), not a plain range match: a page that skipped a photo because it changed after the
// page's range is not the one that delivered it.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { ExplainReport, PhotoProvenance, SyncChangesPage, SyncState } from '@shoebox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { adminSession, approvedDevice, type SignedIn } from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { kindCode } from '../audit/audit.kind-codes.ts';

const base = fs.readFileSync(corpusFile('phones/xiaomi-mi9t.jpg'));
const photoBytes = () => Buffer.concat([base, randomBytes(32)]);

describe.each(DIALECTS)('delivery evidence follows the sync rule (%s)', (dialect) => {
  let server: TestServer;
  let phone: SignedIn;
  let laptop: SignedIn;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    phone = await adminSession(server.url, 'owner@example.com');
    laptop = await approvedDevice(server.url, phone.client, 'owner@example.com', 'laptop');
  });
  afterAll(() => server.close());

  const page = async (cursor: string, limit: number) => {
    const reply = await laptop.client.get<SyncChangesPage>(
      `/api/sync/changes?cursor=${cursor}&limit=${limit}`,
    );
    expect(reply.status).toBe(200);
    return reply.body;
  };
  const ack = async (cursor: string, count: number) => {
    const reply = await laptop.client.post<SyncState>('/api/sync/ack', { cursor, kind: 'changes', count });
    expect(reply.status).toBe(200);
    const [entry] = await server.database.db
      .selectFrom('audit_all_events')
      .select(['seq', 'created_at'])
      .where('kind', '=', kindCode('sync.delivered'))
      .orderBy('seq', 'desc')
      .limit(1)
      .execute();
    return { seq: Number(entry?.seq), at: new Date(Number(entry?.created_at)).toISOString() };
  };

  it('dates a photo trashed after a page was read to the page that carried it, not the one covering its upload', async () => {
    const start = (await laptop.client.get<SyncState>('/api/sync/state')).body.head;
    const p = await phone.client.uploadOk(photoBytes());
    const q = await phone.client.uploadOk(photoBytes());
    expect((await phone.client.post(`/api/photos/${p.id}/trash`)).status).toBe(200);
    expect((await phone.client.post(`/api/photos/${p.id}/restore`)).status).toBe(200);

    // The first page (one row: p's upload) is read after p changed: p is left for the page holding its latest row.
    const first = await page(start, 1);
    expect(first.changes.map((c) => c.entityId)).not.toContain(p.id);
    const one = await ack(first.cursor, first.changes.length);
    const rest = await page(first.cursor, 100);
    expect(rest.changes.find((c) => c.entityId === p.id)?.op).toBe('upsert');
    const two = await ack(rest.cursor, rest.changes.length);
    expect(two.seq).toBeGreaterThan(one.seq);

    // A range match would cite `one`, whose range (start, p's upload] covers p's first row.
    const explain = await phone.client.get<ExplainReport>(
      `/api/explain?device=${laptop.deviceId}&photo=${p.id}`,
    );
    expect(explain.status).toBe(200);
    const listed = explain.body.groups.flatMap((g) => g.photos).find((x) => x.photoId === p.id);
    expect(listed?.deliveryCite?.seq).toBe(two.seq);
    expect(listed?.deliveredAt).toBe(two.at);

    const prov = await phone.client.get<PhotoProvenance>(`/api/photos/${p.id}/provenance`);
    const toLaptop = prov.body.deliveries.find((d) => d.deviceId === laptop.deviceId);
    expect(toLaptop).toMatchObject({ delivered: true, cite: { seq: two.seq } });

    // q was unchanged: it stays dated to the page that carried it (the second, since the first held only p's row).
    const qListed = (
      await phone.client.get<ExplainReport>(`/api/explain?device=${laptop.deviceId}&photo=${q.id}`)
    ).body.groups.flatMap((g) => g.photos);
    expect(qListed[0]?.deliveryCite?.seq).toBe(two.seq);
  });
});
