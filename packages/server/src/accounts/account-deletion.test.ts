// Account deletion through the real HTTP API on both databases: the owner deletes their own account (sockets
// closed at once, every row of it gone, blobs gone unless another account has the same content, shared photos
// leave other libraries through the feed, the audit log still verifies for everyone else and at start-up, and the
// deleted account's leaves no longer open); nobody else can delete it; admins delete with a reason, never the last.
import type { AccountDeletion, Album, SyncChangesPage } from '@shoebox/shared';
import { fromBase64, openCheckpoint, verifyConsistency } from '@shoebox/shared/merkle/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  adminSession,
  deviceDescription,
  distinctCopy,
  eventually,
  expectProblem,
  PASSWORD,
  pendingSession,
  TestClient,
  userSession,
  type SignedIn,
} from '../../test/support/api.ts';
import { connectLive } from '../../test/support/live-socket.ts';
import { corpusFile } from '../../test/support/corpus.ts';
import { startSmtp } from '../../test/support/smtp.ts';
import { SoftwareAuthenticator, addPasskey } from '../../test/support/software-authenticator.ts';
import { deviceAudit, scanTags } from '../audit/audit.test-support.ts';
import { loadTerms, openRow, ownerOf } from '../audit/audit.event-row.ts';
import { kindCode } from '../audit/audit.kind-codes.ts';
import { SERVER_KEY_ID } from '../audit/audit.store.ts';
import type * as AuditApi from '../audit/audit.schemas.ts';
import { originalKey } from '../adapters/blobs/blob-store.ts';
import { uploadIndexCheck } from '../evidence/evidence.index-check.ts';
import { accountRowCounts, seedSyncRows } from './account-deletion.test-support.ts';

const JPEG = corpusFile('cameras/gopro-hero6-8x8.jpg');

describe.each(DIALECTS)('account deletion (%s)', (dialect) => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let admin: SignedIn;
  let bob: SignedIn;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer(dialect, { config: { smtpUrl: smtp.url } });
    admin = await adminSession(server.url);
    bob = await userSession(server.url, admin.client, 'bob@example.com');
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  const gone = (id: string) =>
    eventually(
      async () =>
        (await server.database.db.selectFrom('accounts').select('id').where('id', '=', id).executeTakeFirst())
          ? undefined
          : true,
      30_000,
      'the deletion job',
    );

  /** The signed checkpoint once it covers the whole log (whichever instance holds the signer's lease signs it). */
  const settledCheckpoint = () =>
    eventually(async () => {
      await server.app.services.checkpointer.signNow();
      const cp = (await bob.client.get<AuditApi.AuditCheckpoint>('/api/audit/checkpoint')).body;
      const leaves = await server.database.db
        .selectFrom('audit_all_leaves')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return cp.size === Number(leaves.n) ? cp : undefined;
    });

  /** Bob's feed from the start, every page: the cursor to follow, and what it said. */
  async function bobsFeed(cursor?: string): Promise<{ cursor: string; changes: SyncChangesPage['changes'] }> {
    const changes: SyncChangesPage['changes'] = [];
    for (;;) {
      const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
      const page = await bob.client.get<SyncChangesPage>(`/api/sync/changes${query}`);
      expect(page.status).toBe(200);
      changes.push(...page.body.changes);
      cursor = page.body.cursor;
      if (!page.body.hasMore) return { cursor, changes };
    }
  }

  it('deletes your own account: sockets close, nothing of it is left, shares leave, the log still verifies', async () => {
    const alice = await userSession(server.url, admin.client, 'alice@example.com');
    const a = alice.client;
    // A library: a photo of her own, one whose content Bob also has, one in the trash, one in Bob's album.
    const own = await a.uploadOk(distinctCopy(JPEG, 'alice-own'));
    const sameAsBob = await a.uploadOk(distinctCopy(JPEG, 'both'));
    const bobsCopy = await bob.client.uploadOk(distinctCopy(JPEG, 'both'));
    const trashed = await a.uploadOk(distinctCopy(JPEG, 'alice-trashed'));
    expect((await a.post(`/api/photos/${trashed.id}/trash`)).status).toBe(200);
    const contributed = await a.uploadOk(distinctCopy(JPEG, 'alice-contributed'));
    const bobsPhoto = await bob.client.uploadOk(distinctCopy(JPEG, 'bob-in-album'));
    // Her album, shared with Bob; and Bob's album, shared with her, where she added a photo.
    const hers = (await a.post<Album>('/api/albums', { name: 'Alice’s' })).body;
    await a.post(`/api/albums/${hers.id}/photos`, { photoIds: [own.id] });
    expect(
      (await a.post(`/api/albums/${hers.id}/members`, { email: 'bob@example.com', role: 'view' })).status,
    ).toBe(201);
    const bobs = (await bob.client.post<Album>('/api/albums', { name: 'Bob’s' })).body;
    await bob.client.post(`/api/albums/${bobs.id}/photos`, { photoIds: [bobsPhoto.id] });
    await bob.client.post(`/api/albums/${bobs.id}/members`, {
      email: 'alice@example.com',
      role: 'contribute',
    });
    expect((await a.post(`/api/albums/${bobs.id}/photos`, { photoIds: [contributed.id] })).status).toBe(200);
    // Factors, a pending e-mail change, a device waiting for approval, a failed sign-in, sync records.
    expect((await a.post('/api/account/totp', {})).status).toBe(200);
    expect((await a.post('/api/account/recovery-codes', { signOutOtherSessions: false })).status).toBe(200);
    await addPasskey(a, new SoftwareAuthenticator(server.url), 'Alice key');
    expect((await a.post('/api/account/email', { newEmail: 'alice2@example.com' })).status).toBe(200);
    await pendingSession(server.url, 'alice@example.com');
    const failed = await new TestClient(server.url).post('/api/auth/sign-in', {
      email: 'alice@example.com',
      password: 'wrong-one-1',
      device: deviceDescription(),
    });
    expectProblem(failed, 401);
    await seedSyncRows(server.database.db, alice.account.id);
    // A checkpoint her device reports it verified (kept for her exports).
    const witnessedNote = (await settledCheckpoint()).note;
    expect((await a.post('/api/audit/witnessed', { note: witnessedNote })).status).toBe(201);
    const before = await accountRowCounts(server.database.db, alice.account.id, 'alice@example.com');
    for (const table of [
      'devices',
      'sessions',
      'photos',
      'albums',
      'album_members',
      'changes',
      'enrolments',
      'totp_factors',
      'recovery_codes',
      'passkeys',
      'sign_in_failures',
      'evidence_uploads',
      'audit_witnessed',
      'device_sync',
      'sync_deliveries',
      'settings',
      'audit_keys',
    ])
      expect(before[table], table).toBeGreaterThan(0);

    // What her devices held of the log, and where Bob's feed and witness stood.
    const key = fromBase64((await a.get<AuditApi.AuditKey>('/api/audit/key')).body.key);
    const feed = await bobsFeed();
    const cp1 = await settledCheckpoint();

    // Nobody else can delete it; she must confirm it is her.
    expectProblem(
      await bob.client.call('DELETE', `/api/admin/accounts/${alice.account.id}`, { reason: 'mine now' }),
      403,
      'forbidden',
    );
    expectProblem(
      await bob.client.call('DELETE', '/api/account', { confirmEmail: 'alice@example.com' }),
      400,
      'validation_failed',
    );
    expectProblem(await a.call('DELETE', '/api/account', {}), 400, 'validation_failed');
    expectProblem(
      await a.call('DELETE', '/api/account', { confirmEmail: 'bob@example.com' }),
      400,
      'validation_failed',
    );
    expectProblem(await a.call('DELETE', '/api/account', { password: 'not-her-password' }), 401);
    expect(
      await server.database.db
        .selectFrom('accounts')
        .select('id')
        .where('id', '=', bob.account.id)
        .executeTakeFirst(),
    ).toBeDefined();

    const live = await connectLive(server.url, alice.response.token);
    const started = Date.now();
    const reply = await a.call<AccountDeletion>('DELETE', '/api/account', {
      confirmEmail: ' Alice@Example.com ',
    });
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ accountId: alice.account.id, state: 'scheduled' });
    expect((await live.closed) - started).toBeLessThan(1500);
    expectProblem(await a.get('/api/photos'), 401, 'unauthenticated');
    await gone(alice.account.id);

    // Nothing of hers is left but the log's blanked tombstones and the number they name their owner by.
    const after = await accountRowCounts(server.database.db, alice.account.id, 'alice@example.com');
    expect(Object.fromEntries(Object.entries(after).filter(([, n]) => n > 0))).toEqual({
      audit_owners: 1,
      audit_events: after['audit_events'],
    });
    expect(after['audit_events']).toBeGreaterThanOrEqual(before['audit_events'] ?? Infinity);
    const tombstones = await server.database.db
      .selectFrom('audit_all_events')
      .select(['kind', 'body', 'salt'])
      .where('owner', '=', ownerOf(alice.account.id))
      .execute();
    expect(tombstones.every((e) => e.kind === null && e.body === null && e.salt === null)).toBe(true);
    // Blobs: hers are gone, the one Bob has too stays and still downloads.
    for (const p of [own, trashed, contributed])
      expect(await server.blobs.size(originalKey(p.sha256))).toBeNull();
    expect(await server.blobs.size(originalKey(bobsCopy.sha256))).not.toBeNull();
    expect(sameAsBob.sha256).toBe(bobsCopy.sha256);
    expect((await bob.client.get(`/api/photos/${bobsCopy.id}/original`)).status).toBe(200);

    // Bob's library: her album and her photos leave through his feed; his album goes on without her photo.
    const changes = (await bobsFeed(feed.cursor)).changes;
    const deleted = (type: string, id: string) =>
      changes.some((c) => c.type === type && c.entityId === id && c.op === 'delete');
    expect([deleted('album', hers.id), deleted('photo', own.id), deleted('photo', contributed.id)]).toEqual([
      true,
      true,
      true,
    ]);
    expectProblem(await bob.client.get(`/api/albums/${hers.id}`), 404, 'not_found');
    const left = await bob.client.get<{ photoIds: string[] }>(`/api/albums/${bobs.id}/photos`);
    expect(left.body.photoIds).toEqual([bobsPhoto.id]);
    const members = await bob.client.get<{ items: unknown[] }>(`/api/albums/${bobs.id}/members`);
    expect(JSON.stringify(members.body)).not.toContain(alice.account.id);

    // The log: everyone else still verifies, a consistency proof spans the deletion, start-up verification passes,
    // and her former leaves (still tagged with the key her devices held) no longer open: the server has no key,
    // salt or event for them.
    const cp2 = await settledCheckpoint();
    expect(cp2.size).toBeGreaterThan(cp1.size);
    expect(await deviceAudit(server.app.services.auditService, bob.account.id)).toEqual([]);
    expect(await deviceAudit(server.app.services.auditService, admin.account.id)).toEqual([]);
    const proof = (
      await bob.client.get<AuditApi.AuditConsistencyProof>(
        `/api/audit/proofs/consistency?from=${cp1.size}&to=${cp2.size}`,
      )
    ).body;
    const [o1, o2] = [openCheckpoint(cp1.note, cp1.verifierKey), openCheckpoint(cp2.note, cp2.verifierKey)];
    if (!o1.ok || !o2.ok) throw new Error('checkpoints do not open');
    expect(
      verifyConsistency(
        cp1.size,
        cp2.size,
        proof.proof.map(fromBase64),
        o1.checkpoint.rootHash,
        o2.checkpoint.rootHash,
      ).ok,
    ).toBe(true);
    await expect(
      server.app.services.checkpointer.verifyOnStart({
        full: true,
        derived: uploadIndexCheck,
        readSnapshot: server.database.readSnapshot,
      }),
    ).resolves.toBeUndefined();
    const leaves = (await bob.client.get<AuditApi.AuditLeavesPage>(`/api/audit/leaves?from=0&to=${cp2.size}`))
      .body;
    const hersSeqs = scanTags(leaves.leaves, 0, key);
    expect(hersSeqs.length).toBe(after['audit_events']);
    const rows = await server.database.db
      .selectFrom('audit_all_events')
      .select(['seq', 'body'])
      .where('seq', 'in', hersSeqs)
      .execute();
    expect(rows.map((r) => r.body)).toEqual(hersSeqs.map(() => null));

    // The decision is on the server's log: who and when, not what she had.
    const entry = await server.database.db
      .selectFrom('audit_all_events as e')
      .innerJoin('audit_owners as o', 'o.no', 'e.owner')
      .select(['e.seq', 'e.kind', 'e.body', 'e.created_at', 'o.account_id'])
      .where('e.kind', '=', kindCode('account.deleted'))
      .execute();
    const terms = await loadTerms(server.database.db, entry);
    const mine = entry
      .map((e) => ({ account_id: e.account_id, text: openRow(e, terms)?.text }))
      .find((e) => e.text?.includes(alice.account.id));
    // Logged under the server's own key (an entry with no account), not hers.
    expect(mine?.account_id).toBe(SERVER_KEY_ID);
    expect(JSON.parse(mine?.text ?? '{}')).toMatchObject({
      body: { by: 'owner', deletedAccountId: alice.account.id, ip: null, deviceId: null },
    });
    expect(mine?.text).not.toMatch(/alice@|Alice/);
    // And a last e-mail to her address.
    const notice = await eventually(async () =>
      Promise.resolve(
        smtp.inbox.find((m) => m.to.includes('alice@example.com') && m.text.includes('has been deleted')),
      ),
    );
    expect(notice.text).toContain('You asked for it');
  });

  it('lets an admin delete an account with a reason, on the admin’s log; never the last admin', async () => {
    const carol = await userSession(server.url, admin.client, 'carol@example.com');
    const live = await connectLive(server.url, carol.response.token);
    expectProblem(
      await admin.client.call('DELETE', `/api/admin/accounts/${carol.account.id}`, { reason: ' ' }),
      400,
    );
    expectProblem(
      await admin.client.call('DELETE', `/api/admin/accounts/${admin.account.id}`, { reason: 'leaving' }),
      409,
      'conflict',
    );
    expectProblem(
      await admin.client.call('DELETE', '/api/admin/accounts/01a22222-0000-7000-8000-000000000000', {
        reason: 'x',
      }),
      404,
      'not_found',
    );
    const started = Date.now();
    const reply = await admin.client.call<AccountDeletion>(
      'DELETE',
      `/api/admin/accounts/${carol.account.id}`,
      { reason: 'Ticket 7: owner asked by letter' },
    );
    expect(reply.status).toBe(202);
    expect((await live.closed) - started).toBeLessThan(1500);
    // Asked again while under way (or after): the same answer, or gone.
    const again = await admin.client.call('DELETE', `/api/admin/accounts/${carol.account.id}`, {
      reason: 'again',
    });
    expect([202, 404]).toContain(again.status);
    await gone(carol.account.id);
    const events = (await admin.client.get<AuditApi.AuditEventsPage>('/api/audit/events?limit=1000')).body
      .items;
    const logged = events.filter((e) => e.kind === 'account.deleted').map((e) => e.body);
    expect(logged).toEqual([
      expect.objectContaining({
        by: 'admin',
        deletedAccountId: carol.account.id,
        adminAccountId: admin.account.id,
        reason: 'Ticket 7: owner asked by letter',
        deviceId: admin.deviceId,
      }),
    ]);
    const notice = await eventually(async () =>
      Promise.resolve(smtp.inbox.find((m) => m.to.includes('carol@example.com'))),
    );
    expect(notice.text).toContain('Ticket 7: owner asked by letter');
    expect(await deviceAudit(server.app.services.auditService, admin.account.id)).toEqual([]);
    await expect(
      server.app.services.checkpointer.verifyOnStart({
        full: true,
        derived: uploadIndexCheck,
        readSnapshot: server.database.readSnapshot,
      }),
    ).resolves.toBeUndefined();
    // Support looking at the deleted account afterwards (an old ticket) finds nothing and records nothing: before,
    // the look re-keyed the account's closed log, and the next full check read its tombstones as tampering.
    const look = `/api/explain?account=${carol.account.id}&device=${carol.deviceId}&reason=${encodeURIComponent('Ticket 7 follow-up')}`;
    expectProblem(await admin.client.get(look), 404, 'not_found');
    const keys = await server.database.db
      .selectFrom('audit_keys')
      .select('account_id')
      .where('account_id', '=', carol.account.id)
      .execute();
    expect(keys).toEqual([]);
    await server.app.services.checkpointer.signNow();
    await expect(
      server.app.services.checkpointer.verifyOnStart({
        full: true,
        readSnapshot: server.database.readSnapshot,
      }),
    ).resolves.toBeUndefined();
    // A second admin may go while the first remains.
    const second = await admin.client.post<{ id: string }>('/api/accounts', {
      email: 'admin2@example.com',
      password: PASSWORD,
      role: 'admin',
    });
    expect(second.status).toBe(201);
    expect(
      (await admin.client.call('DELETE', `/api/admin/accounts/${second.body.id}`, { reason: 'duplicate' }))
        .status,
    ).toBe(202);
    await gone(second.body.id);
  });
});
