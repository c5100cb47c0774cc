// The incident Shoebox is built around, replayed through the real HTTP API: a buyer's phone, a second
// phone signed in elsewhere with the (leaked) password and approved, uploads from there, delivery to
// the buyer's phone; explain and provenance must tell that story from the audit log, each claim
// checkable with an inclusion proof. Then a photo planted straight into the database must stand out.
import { randomUUID } from 'node:crypto';
import type { EvidenceEntries, ExplainReport, PhotoProvenance } from '@shoebox/shared';
import { fromBase64 } from '@shoebox/shared/merkle/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from './support/databases.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import {
  type TestClient,
  createAccount,
  deviceDescription,
  eventually,
  signIn,
  type SignedIn,
} from './support/api.ts';
import { corpusFile } from './support/corpus.ts';
import { deviceCheck } from '../src/audit/audit.test-support.ts';
import type { AuditCheckpoint } from '../src/audit/audit.schemas.ts';

const BEIJING = '162.105.1.1';
const SHENZHEN = '210.39.1.1';
const EMAIL = 'buyer@example.com';
/** DB-IP places 210.39.1.1 in Nanshan, a district of Shenzhen. */
const SHENZHEN_PLACE = /Shenzhen|Nanshan/;

async function syncAndAck(client: TestClient): Promise<void> {
  const feed = await client.get<{ cursor: string; changes: unknown[] }>('/api/sync/changes');
  expect(feed.status).toBe(200);
  const ack = await client.post('/api/sync/ack', {
    cursor: feed.body.cursor,
    count: feed.body.changes.length,
  });
  expect(ack.status).toBe(200);
}

/** What the buyer's device does with a report: fetch every cited entry and check it opens and is included. */
async function verifyCitations(client: TestClient, seqs: number[]): Promise<void> {
  const size = Math.max(...seqs) + 1;
  const cp = await eventually(
    async () => {
      const reply = await client.get<AuditCheckpoint>('/api/audit/checkpoint');
      return reply.status === 200 && reply.body.size >= size ? reply.body : undefined;
    },
    5_000,
    'a checkpoint covering the citations',
  );
  const key = fromBase64((await client.get<{ key: string }>('/api/audit/key')).body.key);
  const reply = await client.post<EvidenceEntries>('/api/evidence/entries', { seqs, size: cp.size });
  expect(reply.status).toBe(200);
  expect(reply.body.items.map((i) => i.seq).sort((a, b) => a - b)).toEqual(
    [...new Set(seqs)].sort((a, b) => a - b),
  );
  for (const item of reply.body.items) {
    const tag = item.leaf.slice(0, 44);
    const event = { ...item, createdAt: '', body: {}, tag, commitment: '' };
    const proof = { seq: item.seq, size: cp.size, leaf: item.leaf, proof: item.proof };
    expect(deviceCheck(event, key, proof, cp.note, cp.verifierKey)).toBeUndefined();
  }
}

describe.each(DIALECTS)('incident: photos on the buyer’s phone from a second phone (%s)', (dialect) => {
  let server: TestServer;
  let buyer: SignedIn;
  let second: SignedIn;
  const uploaded: string[] = [];

  beforeAll(async () => {
    server = await startTestServer(dialect);
    await createAccount(server.url, EMAIL);
    buyer = await signIn(
      server.url,
      EMAIL,
      deviceDescription('Buyer’s phone', { model: 'Shoebox Phone 12', serial: 'SN-BUYER-0001' }),
      BEIJING,
    );
    // The leaked password, from another city: pending until the buyer's phone lets it in.
    second = await signIn(
      server.url,
      EMAIL,
      deviceDescription('Second phone', { model: 'Shoebox Phone 9', serial: 'SN-OTHER-0002' }),
      SHENZHEN,
    );
    expect(second.response.device.status).toBe('pending');
    const requests = await buyer.client.get<{ items: { id: string; device: { id: string } }[] }>(
      '/api/enrolments',
    );
    const request = requests.body.items.find((r) => r.device.id === second.deviceId);
    const allowed = await buyer.client.post<{ code: string }>(`/api/enrolments/${request?.id}/allow`);
    const done = await second.client.post('/api/auth/enrolment/complete', { code: allowed.body.code });
    expect(done.status).toBe(200);
    for (const file of ['phones/apple-iphone4.jpg', 'phones/htc-desire.jpg'])
      uploaded.push((await second.client.uploadOk(corpusFile(file))).id);
    await syncAndAck(buyer.client);
  });
  afterAll(() => server.close());

  it('explain names the second phone, its sign-in and approval, its uploads and the delivery', async () => {
    const reply = await buyer.client.get<ExplainReport>('/api/explain');
    expect(reply.status).toBe(200);
    const report = reply.body;
    expect(report.device).toMatchObject({ id: buyer.deviceId, serial: 'SN-BUYER-0001' });
    expect(report.deviceSignIn?.approval?.by).toBe('first-device');
    expect(report.total).toBe(2);
    expect(report.groups.map((g) => g.origin)).toEqual(['other-device']);
    const group = report.groups[0];
    expect(group?.device).toMatchObject({
      id: second.deviceId,
      name: 'Second phone',
      serial: 'SN-OTHER-0002',
    });
    expect(group?.signIn?.place?.label).toMatch(SHENZHEN_PLACE);
    expect(group?.signIn?.ip).toBe(SHENZHEN);
    expect(group?.signIn?.factors).toEqual(['password']);
    expect(group?.signIn?.enrolment?.place?.label).toMatch(SHENZHEN_PLACE);
    expect(group?.signIn?.approval).toMatchObject({
      by: 'device',
      deviceId: buyer.deviceId,
      deviceName: 'Buyer’s phone',
    });
    expect(group?.places.map((p) => p.count)).toEqual([2]);
    expect(group?.places[0]?.label).toMatch(SHENZHEN_PLACE);
    expect(group?.photos.map((p) => p.photoId).sort()).toEqual([...uploaded].sort());
    for (const p of group?.photos ?? []) {
      expect(p.place?.label).toMatch(SHENZHEN_PLACE);
      expect(p.deliveredAt).not.toBeNull();
      expect(p.deliveryCite?.kind).toBe('sync.delivered');
      expect(p.cite?.kind).toBe('photo.uploaded');
    }
    const finding = report.findings.find((f) => f.severity === 'warning');
    expect(finding?.text).toMatch(
      /Second phone.*SN-OTHER-0002.*(Shenzhen|Nanshan).*approved from “Buyer’s phone”/,
    );
    expect(report.findings.some((f) => f.severity === 'anomaly')).toBe(false);
    await verifyCitations(
      buyer.client,
      report.findings.flatMap((f) => f.cites.map((c) => c.seq)),
    );
  });

  it('provenance of an upload tells the same story, per photo', async () => {
    const reply = await buyer.client.get<PhotoProvenance>(`/api/photos/${uploaded[0]}/provenance`);
    expect(reply.status).toBe(200);
    const p = reply.body;
    expect(p.device).toMatchObject({
      id: second.deviceId,
      model: 'Shoebox Phone 9',
      serial: 'SN-OTHER-0002',
      foreign: false,
    });
    expect(p.signIn?.approval?.deviceId).toBe(buyer.deviceId);
    expect(p.upload.place?.label).toMatch(SHENZHEN_PLACE);
    expect(p.sharedIn).toBeNull();
    expect(p.anomalies).toEqual([]);
    const toBuyer = p.deliveries.find((d) => d.deviceId === buyer.deviceId);
    expect(toBuyer).toMatchObject({ delivered: true, via: 'changes' });
    expect(toBuyer?.cite?.kind).toBe('sync.delivered');
    const cites = [p.upload.cite, p.signIn?.cite, p.signIn?.approval?.cite, toBuyer?.cite].flatMap((c) =>
      c ? [c.seq] : [],
    );
    expect(cites).toHaveLength(4);
    await verifyCitations(buyer.client, cites);
    expect((await second.client.get(`/api/photos/${randomUUID()}/provenance`)).status).toBe(404);
  });

  /** Fleet records as the operator imports them (CSV with a header row). */
  async function importFleet(kind: string, csv: string): Promise<void> {
    const reply = await buyer.client.call(
      'POST',
      `/api/fleet/imports/${kind}`,
      new TextEncoder().encode(csv),
      {
        'content-type': 'text/csv; charset=utf-8',
      },
    );
    expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(300);
  }

  it('states that the buyer’s phone had no activation before its sale (direct-supply channel)', async () => {
    await importFleet(
      'shipments',
      'serial,model,batch,ship_date,shipped_to\nSN-BUYER-0001,Shoebox Phone 12,B7,2026-10-01,Vendor Store\n',
    );
    await importFleet(
      'sales',
      'serial,retailer,order_id,sale_date,channel\nSN-BUYER-0001,Vendor Store,ORD-1,2026-11-01,vendor direct supply\n',
    );
    const report = (await buyer.client.get<ExplainReport>('/api/explain')).body;
    expect(report.fleet?.serial).toBe('SN-BUYER-0001');
    expect(report.fleet?.timeline.map((t) => t.kind)).toEqual(expect.arrayContaining(['shipped', 'sold']));
    const texts = report.fleet?.findings.map((f) => `${f.severity}: ${f.text}`) ?? [];
    expect(texts).toContain('info: No activation before its sale on 2026-11-01 by Vendor Store.');
    expect(texts.filter((t) => t.startsWith('warning'))).toEqual([]);
  });

  it('flags the phone as second-hand when another account activated it before its sale', async () => {
    await importFleet(
      'activations',
      'serial,activated_at,account\nSN-BUYER-0001,2026-10-20T10:00:00+08:00,acct-7f3a\n',
    );
    const report = (await buyer.client.get<ExplainReport>('/api/explain')).body;
    const warnings = report.fleet?.findings.filter((f) => f.severity === 'warning').map((f) => f.text) ?? [];
    expect(warnings.join('\n')).toMatch(/before its sale on 2026-11-01 .*second-hand unit/);
    expect(warnings.join('\n')).toMatch(/another account before the current owner/);
  });

  it('flags a photo planted into the database under the buyer’s account as an anomaly', async () => {
    const db = server.database.db;
    const stranger = await signIn(
      server.url,
      (await createAccount(server.url, 'stranger@example.com', buyer.client)).email,
    );
    const theirs = await stranger.client.uploadOk(corpusFile('phones/google-pixel8pro-8x8.jpg'));
    const planted = randomUUID();
    const row = await db
      .selectFrom('photos')
      .selectAll()
      .where('id', '=', theirs.id)
      .executeTakeFirstOrThrow();
    const { change_id: _ignored, ...copy } = row;
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('photos')
        .values({ ...copy, id: planted, account_id: buyer.account.id, upload_session_id: randomUUID() })
        .execute();
      const change = await trx
        .insertInto('changes')
        .values({
          account_id: buyer.account.id,
          kind: 'photo.added',
          entity_id: planted,
          body: '{}',
          created_at: Date.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('photos')
        .set({ change_id: Number(change.id) })
        .where('id', '=', planted)
        .execute();
    });
    await syncAndAck(buyer.client);

    const report = (await buyer.client.get<ExplainReport>('/api/explain')).body;
    expect(report.groups[0]?.origin).toBe('anomaly');
    const anomaly = report.groups[0]?.photos[0];
    expect(anomaly?.photoId).toBe(planted);
    expect(anomaly?.cite).toBeNull();
    expect(anomaly?.reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/no photo.uploaded entry/),
        expect.stringMatching(/another account’s device/),
        expect.stringMatching(/no sign-in/),
      ]),
    );
    expect(report.findings[0]).toMatchObject({ severity: 'anomaly' });
    expect(report.findings[0]?.text).toContain(planted);
    const prov = (await buyer.client.get<PhotoProvenance>(`/api/photos/${planted}/provenance`)).body;
    expect(prov.device?.foreign).toBe(true);
    expect(prov.anomalies.length).toBeGreaterThan(0);
    // The genuine uploads are still explained as before.
    expect(report.groups.find((g) => g.origin === 'other-device')?.count).toBe(2);
  });
});
