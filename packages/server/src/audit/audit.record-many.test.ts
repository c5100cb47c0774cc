// recordMany(): n events of one transaction in one claim (PostgreSQL: audit_claim_many(), migration 0023) and one
// write. Its seqs must behave exactly like n record() calls: dense once committed, voided when rolled back, each leaf
// tagged with its owner's key, and every verifier accepting the result.
import { beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { bytesEqual, leafHash, rootFromLeafHashes } from '@shoebox/shared/merkle/index';
import { DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import type { Tx } from '../adapters/db/database.ts';
import type { Checkpointer } from './audit.checkpointer.ts';
import { auditDb, auditTx } from './audit.db.ts';
import { tagMatches, voidLeaf } from './audit.leaf.ts';
import { ownerOf } from './audit.event-row.ts';
import { VOID_KIND_CODE } from './audit.kind-codes.ts';
import { createAuditLog, type AuditLog } from './audit.log.ts';
import type { AuditService } from './audit.service.ts';
import { SERVER_KEY_ID } from './audit.store.ts';
import { auditFixture, openTransaction as openTx } from './audit.test-fixture.ts';
import { appendBatch, deviceAudit, upload } from './audit.test-support.ts';

const clock = { now: () => Date.now() };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DIALECTS)('audit recordMany on %s', (dialect) => {
  const fx = auditFixture(dialect);
  let db: TestDatabase;
  let log: AuditLog;
  let checkpointer: Checkpointer;
  let service: AuditService;
  beforeEach(() => ({ db, log, checkpointer, service } = fx));
  const alice = randomUUID();
  const bob = randomUUID();
  const q = () => auditDb(db.db);

  const many = (trx: Tx, owners: readonly (string | null)[], n: number, from = 0) =>
    log.recordMany(
      trx,
      Array.from({ length: n }, (_, i) => upload(owners[i % owners.length] ?? null, from + i)),
    );
  const seqsOf = (r: { seq: number }[]) => r.map((x) => x.seq);

  /** The full re-derivation, every device's checks, and the root over all leaves (void ones included). */
  async function expectVerifiable(size: number) {
    const cp = await checkpointer.latest();
    expect(cp?.size).toBe(size);
    await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
    for (const account of [alice, bob]) expect(await deviceAudit(service, account)).toEqual([]);
    const leaves = await q().selectFrom('audit_leaves').select('leaf').orderBy('seq').execute();
    expect(leaves).toHaveLength(size);
    const root = rootFromLeafHashes(leaves.map((l) => leafHash(l.leaf)));
    expect(bytesEqual(root, cp?.root ?? new Uint8Array())).toBe(true);
  }

  it('claims and writes n mixed-owner events densely, beside record() in the same transaction', async () => {
    const seqs = await db.db.transaction().execute(async (trx) => {
      const first = await log.record(trx, upload(alice, 0));
      const batch = await many(trx, [alice, bob, null], 300, 1);
      // Written at once, not at commit: a wrapper (the evidence index) may read them back.
      const stored = await auditTx(trx).selectFrom('audit_leaves').select('seq').execute();
      expect(stored).toHaveLength(301);
      const deferred = await log.record(trx, upload(bob, 301));
      const again = await many(trx, [bob], 2, 302);
      return [first.seq, ...seqsOf(batch), deferred.seq, ...seqsOf(again)];
    });
    expect(seqs).toEqual([...Array(304).keys()]);
    expect(await appendBatch(db, log, [alice], 2)).toEqual([304, 305]);
    // Each leaf carries its owner's key, one key per owner.
    const keys = new Map(
      (await q().selectFrom('audit_keys').select(['account_id', 'key']).execute()).map((k) => [
        k.account_id,
        k.key,
      ]),
    );
    expect([...keys.keys()].sort()).toEqual([alice, bob, SERVER_KEY_ID].sort());
    const rows = await q()
      .selectFrom('audit_events as e')
      .innerJoin('audit_leaves as l', 'l.seq', 'e.seq')
      .innerJoin('audit_owners as o', 'o.no', 'e.owner')
      .select(['e.seq', 'o.account_id', 'l.leaf'])
      .orderBy('e.seq')
      .execute();
    for (const r of rows) {
      const key = keys.get(r.account_id) ?? new Uint8Array();
      expect(tagMatches(r.leaf, key, Number(r.seq))).toBe(true);
    }
    expect((await checkpointer.signNow())?.size).toBe(306);
    await expectVerifiable(306);
  });

  it('claims in one call and writes in one statement', async () => {
    const f = db.features;
    const calls = { claim: 0, claimMany: 0, insert: 0, batch: 0 };
    const counted = createAuditLog({
      features: {
        ...f,
        auditClaim: (...a) => (calls.claim++, f.auditClaim(...a)),
        auditClaimMany: (...a) => (calls.claimMany++, f.auditClaimMany(...a)),
        auditInsert: (...a) => (calls.insert++, f.auditInsert(...a)),
        auditAppendBatch: (...a) => (calls.batch++, f.auditAppendBatch(...a)),
      },
      clock,
    });
    const out = await db.db.transaction().execute((trx) =>
      counted.recordMany(
        trx,
        Array.from({ length: 256 }, (_, i) => upload(i % 2 ? alice : null, i)),
      ),
    );
    expect(seqsOf(out)).toEqual([...Array(256).keys()]);
    expect(calls).toEqual({ claim: 0, claimMany: 1, insert: 0, batch: 1 });
    expect(await db.db.transaction().execute((trx) => counted.recordMany(trx, []))).toEqual([]);
    expect(calls.claimMany).toBe(1);
  });

  it('a rolled-back recordMany leaves nothing, and the signer voids all its seqs', async () => {
    await appendBatch(db, log, [alice, bob], 3);
    await expect(
      db.db.transaction().execute(async (trx) => {
        await many(trx, [alice, bob, randomUUID()], 20);
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    // Neither its events nor the key it created for a new owner remain.
    expect(await q().selectFrom('audit_keys').select('account_id').execute()).toHaveLength(2);
    const after = seqsOf(await db.db.transaction().execute((trx) => many(trx, [bob, alice], 4)));
    if (dialect === 'sqlite') {
      expect(after).toEqual([3, 4, 5, 6]); // one writer: the rollback took its seqs with it
      expect((await checkpointer.signNow())?.size).toBe(7);
      await expectVerifiable(7);
      return;
    }
    expect(after).toEqual([23, 24, 25, 26]);
    expect((await checkpointer.signNow())?.size).toBe(3);
    expect((await checkpointer.signNow())?.size).toBe(27);
    const voids = await q()
      .selectFrom('audit_events')
      .selectAll()
      .where('kind', '=', VOID_KIND_CODE)
      .execute();
    expect(voids.map((v) => Number(v.seq))).toEqual(Array.from({ length: 20 }, (_, i) => 3 + i));
    const leaves = await q()
      .selectFrom('audit_leaves')
      .selectAll()
      .where('seq', '>=', 3)
      .where('seq', '<', 23)
      .orderBy('seq')
      .execute();
    expect(leaves.every((l) => Buffer.from(l.leaf).equals(voidLeaf(Number(l.seq))))).toBe(true);
    await expectVerifiable(27);
  });

  it('concurrent recordMany and record() transactions make a dense log, each one’s seqs increasing', async () => {
    const other = createAuditLog({ features: db.features, clock });
    const runs = await Promise.all([
      ...[0, 1, 2, 3].map((t) =>
        db.db.transaction().execute(async (trx) => {
          await sleep(t % 2);
          const inputs = Array.from({ length: 30 }, (_, i) =>
            upload([alice, bob, null][(t + i) % 3] ?? null, i),
          );
          return seqsOf(await (t % 2 ? other : log).recordMany(trx, inputs));
        }),
      ),
      appendBatch(db, log, [bob], 10),
      appendBatch(db, other, [alice], 10),
    ]);
    expect(runs.flat().sort((a, b) => a - b)).toEqual([...Array(140).keys()]);
    for (const run of runs) expect([...run].sort((a, b) => a - b)).toEqual(run);
    expect((await checkpointer.signNow())?.size).toBe(140);
    await expectVerifiable(140);
  });
});

describe('audit recordMany on postgres: in-flight seqs and forgets', () => {
  const fx = auditFixture('postgres');
  let db: TestDatabase;
  let log: AuditLog;
  let checkpointer: Checkpointer;
  beforeEach(() => ({ db, log, checkpointer } = fx));
  const alice = randomUUID();
  const bob = randomUUID();
  const q = () => auditDb(db.db);

  const openTransaction = <T>(body: (trx: Tx) => Promise<T>) => openTx(db, body);

  it('holds every claimed seq until commit: none is voided in flight, and a forget of an owner waits', async () => {
    // bob's key exists and is committed, so the batch share-locks it (a key the batch creates is its own row).
    await appendBatch(db, log, [alice, bob], 2);
    const slow = openTransaction((trx) =>
      log.recordMany(
        trx,
        Array.from({ length: 5 }, (_, i) => upload(i % 2 ? alice : bob, i)),
      ),
    );
    expect((await slow.ready).map((r) => r.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(await appendBatch(db, log, [alice], 1)).toEqual([7]);
    let forgotten = false;
    const forget = db.db
      .transaction()
      .execute(async (trx) => {
        await db.features.auditKeyLock(trx, bob);
        await log.forgetAccount(trx, bob);
      })
      .then(() => (forgotten = true));
    for (let round = 0; round < 4; round++) expect((await checkpointer.signNow())?.size ?? 2).toBe(2);
    await sleep(200);
    expect(forgotten).toBe(false); // bob's key row is share-locked by the batch
    expect(
      await q().selectFrom('audit_events').select('seq').where('kind', '=', VOID_KIND_CODE).execute(),
    ).toEqual([]);
    slow.release();
    await slow.done;
    await forget;
    const bobs = await q().selectFrom('audit_events').selectAll().where('owner', '=', ownerOf(bob)).execute();
    expect(bobs).toHaveLength(4);
    expect(bobs.every((r) => r.body === null && r.kind === null && r.salt === null)).toBe(true);
    expect((await checkpointer.signNow())?.size).toBe(8);
    await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
  });
});
