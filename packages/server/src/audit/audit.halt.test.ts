// A failed full verification halts checkpoint signing on every instance of a deployment, not just the one that ran
// it: two app instances on one database, the signer started first so that it holds the signing lease, the other
// one running the check. The halt survives a restart and an attacker deleting it or faking its clearance; only an
// admin's passing verification clears it, on the log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, adminSession, eventually, signIn, type SignedIn } from '../../test/support/api.ts';
import { DIALECTS, openTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { decodeBody } from './audit.codec.ts';
import { auditDb } from './audit.db.ts';
import { kindCode } from './audit.kind-codes.ts';
import { loadTerms } from './audit.terms.ts';
import { alteredBody } from './audit.test-support.ts';
import { treeSize } from './audit.tree.ts';

interface Health {
  status: string;
  problem?: string;
}
interface VerifyResult {
  ok: boolean;
  problem?: string;
  cleared?: { id: number; reason: string };
  halted?: string;
}
/** One signing round is 200 ms; allow a few for a loaded machine. */
const ROUND_SLACK_MS = 2000;

describe.each(DIALECTS)('shared audit signing halt (%s)', (dialect) => {
  let database: TestDatabase;
  let keyDir: string;
  let signer: TestServer;
  let checker: TestServer;
  let admin: SignedIn;
  let original: Buffer;
  const start = () =>
    startTestServer(dialect, {
      database,
      config: { mediaWorkers: 0, logKeyFile: path.join(keyDir, 'log.key') },
    });
  const health = (server: TestServer) => new TestClient(server.url).get<Health>('/healthz');
  const signed = async () => (await signer.app.services.checkpointer.latest())?.size ?? 0;
  const size = () => treeSize(auditDb(database.db));
  const halts = () => database.db.selectFrom('audit_halts').selectAll().orderBy('id').execute();
  /** Appends entries through the checker (a sign-in is on the log). */
  const append = () => signIn(checker.url, admin.account.email);

  beforeAll(async () => {
    database = await openTestDatabase(dialect);
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-halt-'));
    signer = await start();
    admin = await adminSession(signer.url);
    // The signer takes the lease with its first signature; the checker, started after, waits behind it.
    await eventually(async () =>
      (await signed()) > 0 && (await signed()) === (await size()) ? true : undefined,
    );
    checker = await start();
    await append();
    expect(await checker.app.services.checkpointer.signNow()).toBeUndefined();
    await eventually(async () => ((await signed()) === (await size()) ? true : undefined));
    const row = await auditDb(database.db)
      .selectFrom('audit_events')
      .select('body')
      .where('seq', '=', 1)
      .executeTakeFirstOrThrow();
    original = Buffer.from(row.body ?? []);
  });
  afterAll(async () => {
    await checker.close();
    await signer.close();
    await database.close();
    fs.rmSync(keyDir, { recursive: true, force: true });
  });

  it('a failed check on one instance stops the other instance signing within its next round', async () => {
    await auditDb(database.db)
      .updateTable('audit_events')
      .set({ body: await alteredBody(auditDb(database.db), original) })
      .where('seq', '=', 1)
      .execute();
    const reply = await new TestClient(checker.url, admin.client.token).post<VerifyResult>(
      '/api/admin/audit/verify',
    );
    expect(reply.body).toMatchObject({ ok: false, problem: 'audit event 1 does not open its leaf' });
    const failedAt = Date.now();
    expect(await halts()).toMatchObject([
      { reason: 'audit event 1 does not open its leaf', cleared_at: null },
    ]);

    const stopped = await eventually(
      () => Promise.resolve(signer.app.services.checkpointer.problem),
      ROUND_SLACK_MS,
      'the signing instance to see the halt',
    );
    expect(Date.now() - failedAt).toBeLessThan(ROUND_SLACK_MS);
    expect(stopped).toBe('audit event 1 does not open its leaf');
    const before = await signed();
    await append();
    // Appended (the halted signer does not take it into the tree).
    const leaves = await auditDb(database.db)
      .selectFrom('audit_leaves')
      .select((e) => e.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(leaves.n)).toBeGreaterThan(before);
    expect(await signer.app.services.checkpointer.signNow()).toBeUndefined();
    await new Promise((r) => setTimeout(r, 600));
    expect(await signed()).toBe(before);
    for (const server of [signer, checker]) {
      const h = await health(server);
      expect(h.status).toBe(503);
      expect(h.body).toMatchObject({
        status: 'audit_log_damaged',
        problem: 'audit event 1 does not open its leaf',
      });
    }
  });

  it('does not resume when the halt row is deleted or its clearance forged', async () => {
    const [first] = await halts();
    await database.db.deleteFrom('audit_halts').execute();
    // Each instance that saw the halt open raises it again, in the open.
    const again = await eventually(
      async () => (await halts()).find((h) => h.id > Number(first?.id)),
      ROUND_SLACK_MS,
      'the halt to be raised again',
    );
    expect(again.reason).toBe(
      `audit signing halt ${first?.id} was removed from the database without a signed clearance`,
    );
    for (const server of [signer, checker]) {
      const h = await eventually(
        async () => {
          const reply = await health(server);
          return reply.body.problem?.includes('removed from the database') ? reply : undefined;
        },
        ROUND_SLACK_MS,
        'both instances to report the removed halt',
      );
      expect(h.status).toBe(503);
    }

    const before = await signed();
    await database.db
      .updateTable('audit_halts')
      .set({ cleared_at: Date.now(), cleared_by: 'mallory', clearance: 'cleared\n\n— mallory sig' })
      .execute();
    await new Promise((r) => setTimeout(r, 600));
    expect(signer.app.services.checkpointer.problem).toMatch(/clearance is not signed by the log key/);
    await append();
    expect(await signer.app.services.checkpointer.signNow()).toBeUndefined();
    expect(await signed()).toBe(before);
  });

  it('a restart keeps the halt; only an admin’s passing check clears it, on the log, and signing resumes', async () => {
    await auditDb(database.db)
      .updateTable('audit_events')
      .set({ body: original })
      .where('seq', '=', 1)
      .execute();
    const open = (await halts()).at(-1);
    // A valid clearance is one the log key signed; the forged one stays refused.
    await database.db
      .updateTable('audit_halts')
      .set({ cleared_at: null, cleared_by: null, clearance: null })
      .where('id', '=', Number(open?.id))
      .execute();
    await signer.close();
    signer = await start();
    // Straight after start-up: the repaired log passes the start-up check, but the halt stands.
    expect((await health(signer)).status).toBe(503);
    expect(await signer.app.services.checkpointer.signNow()).toBeUndefined();

    // The daily job passes but is no operator: it leaves the halt.
    const daily = await checker.app.services.auditFullCheck.run();
    expect(daily).toMatchObject({ ok: true, halted: open?.reason });
    expect(daily.cleared).toBeUndefined();

    const reply = await new TestClient(checker.url, admin.client.token).post<VerifyResult>(
      '/api/admin/audit/verify',
    );
    expect(reply.body).toMatchObject({ ok: true, cleared: { id: Number(open?.id), reason: open?.reason } });
    expect(reply.body.halted).toBeUndefined();
    const entry = await auditDb(database.db)
      .selectFrom('audit_events as e')
      .innerJoin('audit_owners as o', 'o.no', 'e.owner')
      .select(['o.account_id', 'e.body'])
      .where('e.kind', '=', kindCode('audit.halt-cleared'))
      .executeTakeFirstOrThrow();
    expect(entry.account_id).toBe(admin.account.id);
    const stored = entry.body ?? new Uint8Array();
    const terms = await loadTerms(database.db, [{ body: stored }]);
    expect(decodeBody(stored, terms)).toMatchObject({ haltId: Number(open?.id) });
    expect((await halts()).at(-1)?.cleared_by).toBe(admin.account.id);

    // Every instance signs again (the lease may have moved meanwhile): the log, clearing entry included, is covered.
    await append();
    await eventually(
      async () => ((await signed()) === (await size()) ? true : undefined),
      12_000,
      'a checkpoint over the whole log',
    );
    // Each instance re-reads the halt every round, so the one that did not clear it may answer 503 for one more round.
    for (const server of [signer, checker])
      await eventually(
        async () => ((await health(server)).status === 200 ? true : undefined),
        ROUND_SLACK_MS,
        'every instance healthy again',
      );
  });
});
