// Evidence through the HTTP API, beside the incident replay (test/incident.e2e.test.ts): scopes and
// devices of explain, what one account may see of another's, and the cited entries endpoint.
import type { EvidenceEntries, ExplainReport, PhotoProvenance } from '@shoebox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  approvedDevice,
  createAccount,
  deviceDescription,
  eventually,
  expectProblem,
  signIn,
  userSession,
  type SignedIn,
} from '../../test/support/api.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { buildLedger, signInEvidence } from './evidence.ledger.ts';

// Real DB-IP places (through the trusted test proxy): Beijing, and Nanshan (Shenzhen), ~1,930 km away.
const BEIJING = '162.105.1.1';
const SHENZHEN = '210.39.1.1';

describe.each(DIALECTS)('evidence API (%s)', (dialect) => {
  let server: TestServer;
  let owner: SignedIn;
  let laptop: SignedIn;
  let stranger: SignedIn;
  let mine: string;
  let theirs: string;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    owner = await adminSession(server.url);
    laptop = await approvedDevice(server.url, owner.client, owner.account.email, 'laptop');
    mine = (await owner.client.uploadOk(corpusFile('phones/apple-iphone4.jpg'))).id;
    await laptop.client.uploadOk(corpusFile('phones/htc-desire.jpg'));
    stranger = await userSession(server.url, owner.client, 'stranger@example.com');
    theirs = (await stranger.client.uploadOk(corpusFile('phones/htc-desire.jpg'))).id;
  });
  afterAll(() => server.close());

  it('explains what was delivered by default, the whole library on request, and one photo', async () => {
    // Nothing acknowledged yet: only the device's own upload is on it.
    const delivered = (await owner.client.get<ExplainReport>('/api/explain')).body;
    expect(delivered.scope).toBe('delivered');
    expect(delivered.groups.map((g) => [g.origin, g.count])).toEqual([['this-device', 1]]);
    expect(delivered.deviceSignIn?.approval?.by).toBe('first-device');

    const library = (await owner.client.get<ExplainReport>('/api/explain?scope=library')).body;
    expect(library.groups.map((g) => [g.origin, g.count])).toEqual([
      ['this-device', 1],
      ['other-device', 1],
    ]);
    expect(library.groups[1]?.photos[0]?.deliveredAt).toBeNull();
    // Each finding carries its code and facts, for clients to word in their reader's language.
    const [ownGroup, laptopGroup] = library.groups;
    expect(library.findings.map((f) => [f.code, f.params])).toEqual([
      [
        'this-device-uploads',
        {
          count: 1,
          first: ownGroup?.first,
          last: ownGroup?.last,
          places: [expect.objectContaining({ count: 1 })],
        },
      ],
      [
        'other-device-uploads',
        expect.objectContaining({
          count: 1,
          deviceId: laptop.deviceId,
          deviceName: 'laptop',
          signedInAt: laptopGroup?.signIn?.at,
          approval: 'device',
          approverName: laptopGroup?.signIn?.approval?.deviceName,
          device: library.device.name,
          batches: 0,
        }),
      ],
    ]);

    const laptopView = (await owner.client.get<ExplainReport>(`/api/explain?device=${laptop.deviceId}`)).body;
    expect(laptopView.device.name).toBe('laptop');
    expect(laptopView.deviceSignIn?.approval).toMatchObject({ by: 'device', deviceId: owner.deviceId });

    const one = (await owner.client.get<ExplainReport>(`/api/explain?photo=${mine}&limit=0`)).body;
    expect(one).toMatchObject({ scope: 'photo', total: 1 });
    expect(one.groups[0]?.photos).toEqual([]);
  });

  it('shows no account another account’s photos, devices or entries', async () => {
    expectProblem(await owner.client.get(`/api/photos/${theirs}/provenance`), 404, 'not_found');
    expectProblem(await owner.client.get(`/api/explain?photo=${theirs}`), 404, 'not_found');
    expectProblem(await owner.client.get(`/api/explain?device=${stranger.deviceId}`), 404, 'not_found');

    // The signer takes new entries into the tree within a second: an entry is provable once the log covers it.
    const p = await eventually(
      async () => {
        const reply = (await owner.client.get<PhotoProvenance>(`/api/photos/${mine}/provenance`)).body;
        return reply.logSize > (reply.upload.cite?.seq ?? Infinity) ? reply : undefined;
      },
      10_000,
      'the upload in the log',
    );
    const seq = p.upload.cite?.seq ?? -1;
    const size = p.logSize;
    const own = await owner.client.post<EvidenceEntries>('/api/evidence/entries', { seqs: [seq], size });
    expect(own.body.items.map((i) => [i.seq, i.kind])).toEqual([[seq, 'photo.uploaded']]);
    const foreign = await stranger.client.post<EvidenceEntries>('/api/evidence/entries', {
      seqs: [seq],
      size,
    });
    expect(foreign.body.items).toEqual([]);
    expectProblem(
      await owner.client.post('/api/evidence/entries', { seqs: [seq], size: size + 1000 }),
      400,
      'bad_request',
    );
    expectProblem(await owner.client.post('/api/evidence/entries', { seqs: [], size }), 400);
  });

  it('lets staff explain another account’s device only with a reason, and tells its owner', async () => {
    const path = `/api/explain?account=${stranger.account.id}&device=${stranger.deviceId}&scope=library`;
    expectProblem(await owner.client.get(path), 403, 'forbidden');
    expectProblem(await stranger.client.get(`/api/explain?account=${owner.account.id}`), 400, 'bad_request');
    const report = await owner.client.get<ExplainReport>(
      `${path}&reason=${encodeURIComponent('ticket 4711')}`,
    );
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ accountId: stranger.account.id, total: 1 });
    expect(report.body.groups[0]?.origin).toBe('this-device');
    // A user who is not staff gets nothing, reason or not.
    const asUser = `/api/explain?account=${owner.account.id}&device=${owner.deviceId}&reason=curious`;
    expectProblem(await stranger.client.get(asUser), 403, 'forbidden');
    const seen = await stranger.client.get<{ items: { kind: string; body: Record<string, unknown> }[] }>(
      '/api/audit/events?limit=1000',
    );
    const looks = seen.body.items.filter((e) => e.kind === 'staff.accessed');
    expect(looks.map((e) => e.body)).toEqual([
      expect.objectContaining({ staffAccountId: owner.account.id, reason: 'ticket 4711' }),
    ]);
  });

  it('lists each photo with its own SHA-256, and flags one whose content no longer matches its logged upload', async () => {
    const db = server.database.db;
    const report = (await owner.client.get<ExplainReport>('/api/explain?scope=library')).body;
    const listed = report.groups.flatMap((g) => g.photos);
    const stored = await db
      .selectFrom('photos')
      .select(['id', 'sha256'])
      .where(
        'id',
        'in',
        listed.map((p) => p.photoId),
      )
      .execute();
    const pairs = (rows: { id?: string; photoId?: string; sha256: string }[]) =>
      rows.map((r) => `${r.id ?? r.photoId} ${r.sha256}`).sort();
    expect(listed.length).toBeGreaterThan(0);
    expect(pairs(listed)).toEqual(pairs(stored));
    // A server-side mix-up: the photo row now names other content (another account's file) than its logged upload.
    const other = await stranger.client.uploadOk(
      corpusFile('phones/google-pixel5-PXL_20210518_214224624.jpg'),
    );
    const original = stored.find((r) => r.id === mine)?.sha256 ?? '';
    await db.updateTable('photos').set({ sha256: other.sha256 }).where('id', '=', mine).execute();
    try {
      const after = (await owner.client.get<ExplainReport>('/api/explain?scope=library')).body;
      const anomaly = after.groups.find((g) => g.origin === 'anomaly');
      expect(anomaly?.photos.map((p) => [p.photoId, p.sha256, p.reasonCodes])).toEqual([
        [mine, other.sha256, ['content-differs']],
      ]);
    } finally {
      await db.updateTable('photos').set({ sha256: original }).where('id', '=', mine).execute();
    }
  });

  it('flags a logged upload whose hash is empty, and lists an anomaly whose content matches with its own hash', async () => {
    const db = server.database.db;
    const own = await db
      .selectFrom('photos')
      .select(['sha256', 'upload_session_id'])
      .where('id', '=', mine)
      .executeTakeFirstOrThrow();
    const explained = async () => {
      const report = (await owner.client.get<ExplainReport>('/api/explain?scope=library')).body;
      return report.groups
        .find((g) => g.origin === 'anomaly')
        ?.photos.map((p) => [p.photoId, p.sha256, p.reasonCodes]);
    };
    const index = () => db.updateTable('evidence_uploads').where('photo_id', '=', mine);
    await index().set({ sha256: '' }).execute();
    try {
      expect(await explained()).toEqual([[mine, own.sha256, ['content-differs']]]);
    } finally {
      await index().set({ sha256: own.sha256 }).execute();
    }
    // The photo row's hash blanked (tampered): listed as the photo's own '', not replaced by the logged hash.
    await db.insertInto('blobs').values({ sha256: '', size: 0, created_at: 0 }).execute();
    const photo = () => db.updateTable('photos').where('id', '=', mine);
    await photo().set({ sha256: '' }).execute();
    try {
      expect(await explained()).toEqual([[mine, '', ['content-differs']]]);
    } finally {
      await photo().set({ sha256: own.sha256 }).execute();
      await db.deleteFrom('blobs').where('sha256', '=', '').execute();
    }
    // Same content, another session logged: the listed anomaly still shows the photo's real hash.
    await index()
      .set({ session_id: `${own.upload_session_id}-other` })
      .execute();
    try {
      expect(await explained()).toEqual([[mine, own.sha256, ['upload-names-other-session']]]);
    } finally {
      await index().set({ session_id: own.upload_session_id }).execute();
    }
  });

  it('gives each sign-in its risk flags, in provenance and in explain', async () => {
    const email = 'traveller@example.com';
    await createAccount(server.url, email, owner.client);
    const home = await signIn(server.url, email, deviceDescription('phone'), BEIJING);
    // Minutes later from Shenzhen while the phone is in use in Beijing: flagged, then let in by the phone.
    const away = await signIn(server.url, email, deviceDescription('Redmi K40'), SHENZHEN);
    const flags = ['impossible-travel', 'concurrent-far-session'];
    expect(away.response.device.riskFlags).toEqual(flags);
    const requests = await home.client.get<{ items: { id: string; device: { id: string } }[] }>(
      '/api/enrolments',
    );
    const request = requests.body.items.find((r) => r.device.id === away.deviceId);
    const { code } = (await home.client.post<{ code: string }>(`/api/enrolments/${request?.id}/allow`)).body;
    expect((await away.client.post('/api/auth/enrolment/complete', { code })).status).toBe(200);
    const photo = (await away.client.uploadOk(corpusFile('phones/apple-iphone4.jpg'))).id;

    const p = (await home.client.get<PhotoProvenance>(`/api/photos/${photo}/provenance`)).body;
    expect(p.signIn).toMatchObject({ ip: SHENZHEN, riskFlags: flags, approval: { by: 'device' } });

    const library = (await home.client.get<ExplainReport>('/api/explain?scope=library')).body;
    expect(library.deviceSignIn?.riskFlags).toEqual([]);
    const group = library.groups.find((g) => g.origin === 'other-device');
    expect(group?.signIn?.riskFlags).toEqual(flags);
    const device = (await home.client.get<ExplainReport>(`/api/explain?device=${away.deviceId}`)).body;
    expect(device.deviceSignIn?.riskFlags).toEqual(flags);
  });
});

describe('sign-in evidence from the log', () => {
  const signInEntry = (body: Record<string, unknown>) => ({
    seq: 7,
    kind: 'sign-in.succeeded',
    at: Date.UTC(2026, 0, 2),
    body: { sessionId: 's1', deviceId: 'd1', factors: ['password'], ...body },
  });
  const evidenceOf = (body: Record<string, unknown>) => {
    const entry = signInEntry(body);
    return signInEvidence(buildLedger([entry]), entry, new Map())?.riskFlags;
  };

  it('keeps the known risk flags of the entry, and has none for an entry logged before they existed', () => {
    expect(evidenceOf({ riskFlags: ['new-country', 'dormant-account'] })).toEqual([
      'new-country',
      'dormant-account',
    ]);
    expect(evidenceOf({ riskFlags: [] })).toEqual([]);
    expect(evidenceOf({})).toEqual([]);
    expect(evidenceOf({ riskFlags: ['not-a-flag', 'impossible-travel'] })).toEqual(['impossible-travel']);
  });
});
