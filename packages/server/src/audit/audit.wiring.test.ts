// The audit log as a device meets it through the real HTTP API: every audited action of the
// account appears in its log, each entry opens and is proven included in a signed checkpoint,
// no account sees another's entries, an action cannot commit without its record, and a server
// whose stored log was rewritten refuses to start.
import { fromBase64 } from '@shoebox/shared/merkle/index';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  TestClient,
  adminSession,
  approvedDevice,
  deviceDescription,
  eventually,
  pendingSession,
  signIn,
  userSession,
  type SignedIn,
} from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { auditDb } from './audit.db.ts';
import type { AuditCheckpoint, AuditEvent, AuditEventsPage, AuditInclusionProof } from './audit.schemas.ts';
import { deviceCheck, scanTags } from './audit.test-support.ts';

const BEIJING = '162.105.1.1';

async function allEvents(client: TestClient): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  for (let cursor = '', more = true; more;) {
    const reply = await client.get<AuditEventsPage>(`/api/audit/events?limit=50${cursor}`);
    expect(reply.status).toBe(200);
    out.push(...reply.body.items);
    more = reply.body.hasMore;
    cursor = reply.body.cursor === null ? '' : `&cursor=${reply.body.cursor}`;
  }
  return out;
}

/** The checkpoint once it covers `size` entries (the server signs within a second of growth). */
function checkpointCovering(client: TestClient, size: number): Promise<AuditCheckpoint> {
  return eventually(
    async () => {
      const reply = await client.get<AuditCheckpoint>('/api/audit/checkpoint');
      return reply.status === 200 && reply.body.size >= size ? reply.body : undefined;
    },
    5_000,
    `a checkpoint of ${size} entries`,
  );
}

/** Everything a device checks: each event opens to its leaf and is included in the checkpoint. */
async function proveAll(client: TestClient, events: AuditEvent[], cp: AuditCheckpoint): Promise<void> {
  const key = fromBase64((await client.get<{ key: string }>('/api/audit/key')).body.key);
  for (const event of events) {
    const proof = await client.get<AuditInclusionProof>(
      `/api/audit/proofs/inclusion?seq=${event.seq}&size=${cp.size}`,
    );
    expect(proof.status).toBe(200);
    expect(deviceCheck(event, key, proof.body, cp.note, cp.verifierKey)).toBeUndefined();
  }
}

describe.each(DIALECTS)('audit log wired into every action (%s)', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    owner = await adminSession(server.url);
  });
  afterAll(() => server.close());

  it('records sign-in, uploads, trash, restore, delete, enrolments, removals, deliveries and sign-out', async () => {
    const email = owner.account.email;
    const phone = await signIn(server.url, email, undefined, BEIJING).catch(() => undefined);
    expect(phone?.response.device.status).toBe('pending');
    const refused = await owner.client.get<{ items: { id: string; device: { id: string } }[] }>(
      '/api/enrolments',
    );
    const request = refused.body.items.find((r) => r.device.id === phone?.deviceId);
    expect((await owner.client.post(`/api/enrolments/${request?.id}/deny`)).status).toBe(200);

    const wrong = await new TestClient(server.url, undefined, BEIJING).post('/api/auth/sign-in', {
      email,
      password: 'not-the-password-at-all',
      device: deviceDescription('guess'),
    });
    expect(wrong.status).toBe(401);

    const laptop = await approvedDevice(server.url, owner.client, email, 'laptop');
    const photo = await laptop.client.uploadOk(corpusFile('phones/apple-iphone4.jpg'));
    await laptop.client.post(`/api/photos/${photo.id}/trash`);
    await laptop.client.post(`/api/photos/${photo.id}/restore`);
    const feed = await owner.client.get<{ cursor: string; changes: unknown[] }>('/api/sync/changes');
    expect(
      (
        await owner.client.post('/api/sync/ack', {
          cursor: feed.body.cursor,
          count: feed.body.changes.length,
        })
      ).status,
    ).toBe(200);
    await laptop.client.post(`/api/photos/${photo.id}/trash`);
    expect((await laptop.client.call('DELETE', `/api/photos/${photo.id}`)).status).toBe(204);
    expect((await owner.client.call('DELETE', `/api/devices/${laptop.deviceId}`)).status).toBe(200);
    const other = await pendingSession(server.url, email);
    expect((await other.client.post('/api/auth/sign-out')).status).toBe(204);

    const events = await allEvents(owner.client);
    const kinds = events.map((e) => e.kind);
    expect(kinds).toEqual([
      'sign-in.succeeded', // the owner's first device
      'enrolment.requested', // the phone in Beijing ...
      'sign-in.succeeded',
      'enrolment.denied', // ... refused
      'session.ended', // its waiting session with it
      'sign-in.failed', // a wrong password
      'enrolment.requested', // the laptop ...
      'sign-in.succeeded',
      'enrolment.approved', // ... let in with the code
      'photo.uploaded',
      'photo.trashed',
      'photo.restored',
      'sync.delivered',
      'photo.trashed',
      'photo.deleted',
      'device.removed',
      'session.ended', // the removed laptop's session
      'enrolment.requested',
      'sign-in.succeeded',
      'session.ended',
    ]);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    const requested = events[1]?.body as { ip: string; place: { label: string } | null; deviceName: string };
    expect(requested.ip).toBe(BEIJING);
    expect(requested.place?.label).toMatch(/Beijing/);
    const uploaded = events.find((e) => e.kind === 'photo.uploaded')?.body;
    expect(uploaded).toMatchObject({ photoId: photo.id, sha256: photo.sha256, deviceId: laptop.deviceId });
    const approved = events.find((e) => e.kind === 'enrolment.approved')?.body;
    expect(approved).toMatchObject({ deviceId: owner.deviceId, enrolledDeviceId: laptop.deviceId });
    const delivered = events.find((e) => e.kind === 'sync.delivered')?.body as { digest: string };
    expect(delivered).toMatchObject({ deviceId: owner.deviceId, fromChange: 0 });
    expect(delivered.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(events.find((e) => e.kind === 'photo.deleted')?.body).toMatchObject({
      photoId: photo.id,
      reason: 'deleted',
      deviceId: laptop.deviceId,
    });

    const last = events.at(-1);
    const cp = await checkpointCovering(owner.client, (last?.seq ?? 0) + 1);
    await proveAll(owner.client, events, cp);
  });

  it('shows no account another account’s entries, and only its own tags match', async () => {
    const stranger = await userSession(server.url, owner.client, `stranger-${dialect}@example.com`);
    await stranger.client.uploadOk(corpusFile('phones/htc-desire.jpg'));
    const mine = await allEvents(stranger.client);
    expect(mine.map((e) => e.kind)).toEqual(['sign-in.succeeded', 'photo.uploaded']);
    const theirs = new Set((await allEvents(owner.client)).map((e) => e.seq));
    expect(mine.some((e) => theirs.has(e.seq))).toBe(false);

    const key = fromBase64((await stranger.client.get<{ key: string }>('/api/audit/key')).body.key);
    // Leaves are served up to the stored tree, which the signer extends within a round.
    await checkpointCovering(stranger.client, (mine.at(-1)?.seq ?? 0) + 1);
    const leaves = await stranger.client.get<{ leaves: string[] }>('/api/audit/leaves?from=0&to=4096');
    expect(scanTags(leaves.body.leaves, 0, key)).toEqual(mine.map((e) => e.seq));
  });

  it('does not let an action commit without its record', async () => {
    const before = await owner.client.get<{ items: unknown[] }>('/api/photos');
    // Make the log unwritable behind the server's back: the upload's record fails, so must the upload.
    await sql`alter table audit_events rename to audit_events_away`.execute(server.database.db);
    try {
      const reply = await owner.client.upload(corpusFile('phones/htc-desire.jpg'));
      expect(reply.status).toBe(500);
    } finally {
      await sql`alter table audit_events_away rename to audit_events`.execute(server.database.db);
    }
    const after = await owner.client.get<{ items: unknown[] }>('/api/photos');
    expect(after.body.items.length).toBe(before.body.items.length);
    expect((await owner.client.upload(corpusFile('phones/htc-desire.jpg'))).status).toBe(201);
  });

  it('refuses to start on a log that no longer matches its signed checkpoint', async () => {
    const events = await allEvents(owner.client);
    await checkpointCovering(owner.client, (events.at(-1)?.seq ?? 0) + 1);
    const db = auditDb(server.database.db);
    await db
      .updateTable('audit_leaves')
      .set({ leaf: new Uint8Array(64).fill(7) })
      .where('seq', '=', 0)
      .execute();
    const logKeyFile = `${server.dataDir}/keys/log.key`;
    await expect(
      startTestServer(dialect, { database: server.database, config: { logKeyFile } }),
    ).rejects.toThrow(/audit|checkpoint|root/i);
  });
});
