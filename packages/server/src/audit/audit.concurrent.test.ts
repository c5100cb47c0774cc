// Concurrent appends (migration 0023): each append claims a seq of its own and writes only its event and leaf; the
// signer builds the tree over the dense committed prefix and voids the seqs of transactions that rolled back.
import { beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { bytesEqual, leafHash, rootFromLeafHashes } from '@shoebox/shared/merkle/index';
import { DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import type { Tx } from '../adapters/db/database.ts';
import { AppError } from '../errors.ts';
import type { Checkpointer } from './audit.checkpointer.ts';
import { auditDb } from './audit.db.ts';
import { voidLeaf } from './audit.leaf.ts';
import { ownerOf } from './audit.event-row.ts';
import { VOID_KIND_CODE } from './audit.kind-codes.ts';
import { createAuditLog, type AuditLog } from './audit.log.ts';
import type { AuditService } from './audit.service.ts';
import { treeSize } from './audit.tree.ts';
import {
  auditClaimFunctions,
  dropClaimFunctions,
} from '../adapters/db/migrations/0024-audit-claim-functions.ts';
import { auditConcurrentAppendMigration } from '../adapters/db/migrations/0023-audit-concurrent-append.ts';
import { auditFixture, openTransaction as openTx } from './audit.test-fixture.ts';
import { appendBatch, deviceAudit, upload } from './audit.test-support.ts';

const clock = { now: () => Date.now() };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DIALECTS)('concurrent audit appends on %s', (dialect) => {
  const fx = auditFixture(dialect);
  let db: TestDatabase;
  let log: AuditLog;
  let checkpointer: Checkpointer;
  let service: AuditService;
  beforeEach(() => ({ db, log, checkpointer, service } = fx));
  const alice = randomUUID();
  const bob = randomUUID();
  const q = () => auditDb(db.db);

  const leafCount = async () =>
    Number(
      (
        await q()
          .selectFrom('audit_leaves')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Everything a verifier does: the full re-derivation, every device's checks, and the root of all leaves. */
  async function expectVerifiable(size: number) {
    const cp = await checkpointer.latest();
    expect(cp?.size).toBe(size);
    await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
    for (const account of [alice, bob]) expect(await deviceAudit(service, account)).toEqual([]);
    // What an export's offline check recomputes: the root over every leaf, void ones included.
    const leaves = await q().selectFrom('audit_leaves').select('leaf').orderBy('seq').execute();
    const root = rootFromLeafHashes(leaves.slice(0, size).map((l) => leafHash(l.leaf)));
    expect(bytesEqual(root, cp?.root ?? new Uint8Array())).toBe(true);
  }

  it('voids the seqs of a rolled-back transaction in the second signer round; every check accepts them', async () => {
    await appendBatch(db, log, [alice, bob], 4);
    await expect(
      db.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 3; i++) await log.record(trx, upload(alice, i));
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    const after = await appendBatch(db, log, [bob, alice], 2);
    if (dialect === 'sqlite') {
      // One writer: the rollback took its seqs with it, so there is no hole.
      expect(after).toEqual([4, 5]);
      expect((await checkpointer.signNow())?.size).toBe(6);
      await expectVerifiable(6);
      return;
    }
    expect(after).toEqual([7, 8]);
    // First round: the hole is seen free once; the tree and the checkpoint stop before it.
    expect((await checkpointer.signNow())?.size).toBe(4);
    // Second round: still free and empty, so voided; the tree goes on over it.
    expect((await checkpointer.signNow())?.size).toBe(9);
    const voids = await q()
      .selectFrom('audit_events')
      .selectAll()
      .where('kind', '=', VOID_KIND_CODE)
      .execute();
    expect(voids.map((v) => Number(v.seq))).toEqual([4, 5, 6]);
    expect(voids.every((v) => v.owner === null && v.body === null && v.salt === null)).toBe(true);
    for (const seq of [4, 5, 6]) {
      const row = await q()
        .selectFrom('audit_leaves')
        .select('leaf')
        .where('seq', '=', seq)
        .executeTakeFirst();
      expect(Buffer.from(row?.leaf ?? []).equals(voidLeaf(seq))).toBe(true);
    }
    await expectVerifiable(9);
    // A void entry rewritten into someone's, or a void leaf changed, is caught.
    await q()
      .updateTable('audit_events')
      .set({ owner: ownerOf(alice) })
      .where('seq', '=', 5)
      .execute();
    await expect(checkpointer.verifyOnStart({ full: true })).rejects.toThrow(/not a valid void entry/);
  });

  it('writes nodes only through the signer: appenders leave the tree alone', async () => {
    await appendBatch(db, log, [alice, bob, null], 40);
    expect(await leafCount()).toBe(40);
    expect(await treeSize(q())).toBe(0);
    const nodes = await q().selectFrom('audit_nodes').select('id').execute();
    expect(nodes).toEqual([]);
    expect((await checkpointer.signNow())?.size).toBe(40);
    await expectVerifiable(40);
  });

  it('8 concurrent appending transactions, one commit each, make a dense, verifiable log', async () => {
    const logs = [log, createAuditLog({ features: db.features, clock })];
    const seqs = await Promise.all(
      Array.from({ length: 8 }, (_, t) =>
        Promise.all(
          Array.from({ length: 5 }, (_, i) =>
            db.db.transaction().execute(async (trx) => {
              await sleep((t + i) % 3);
              return (await (logs[t % 2] ?? log).record(trx, upload(t % 2 ? alice : bob, i))).seq;
            }),
          ),
        ),
      ),
    );
    expect(seqs.flat().sort((a, b) => a - b)).toEqual([...Array(40).keys()]);
    expect((await checkpointer.signNow())?.size).toBe(40);
    await expectVerifiable(40);
  });

  it('migrates an existing log: its nodes stay valid, the tree size and the next seq come from its rows', async () => {
    await appendBatch(db, log, [alice, bob], 37);
    await checkpointer.signNow();
    // As before migration 0023: no stored tree size, no sequence.
    if (dialect === 'postgres') {
      await sql`drop sequence audit_seq cascade`.execute(db.db);
      await sql.raw(dropClaimFunctions).execute(db.db);
    }
    await sql`drop table audit_tree`.execute(db.db);
    await auditConcurrentAppendMigration(dialect).up(db.db);
    // And migration 0024's claim functions, which replaced 0023's.
    if (dialect === 'postgres') await sql.raw(auditClaimFunctions).execute(db.db);
    expect(await treeSize(q())).toBe(37);
    expect(await appendBatch(db, log, [alice], 2)).toEqual([37, 38]);
    expect((await checkpointer.signNow())?.size).toBe(39);
    await expectVerifiable(39);
  });

  it('answers a retryable error, never corruption, when an append arrives at a seq already voided', async () => {
    await appendBatch(db, log, [alice], 2);
    const features = db.features;
    // An append whose claim lost its lock (it cannot, short of the tiny nextval → lock window): the seq is taken.
    const stale = createAuditLog({
      features: {
        ...features,
        auditClaim: async (...args) => ({ ...(await features.auditClaim(...args)), seq: 1 }),
      },
      clock,
    });
    const failed = await db.db
      .transaction()
      .execute((trx) => stale.record(trx, upload(alice, 9)))
      .catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(AppError);
    expect((failed as AppError).code).toBe('unavailable');
    expect(await leafCount()).toBe(2);
    await expect(appendBatch(db, log, [alice], 1)).resolves.toHaveLength(1);
    await checkpointer.signNow();
    await checkpointer.signNow();
    await expectVerifiable(await treeSize(q()));
  });
});

describe('concurrent audit appends on postgres: in-flight seqs and forgets', () => {
  const fx = auditFixture('postgres');
  let db: TestDatabase;
  let log: AuditLog;
  let checkpointer: Checkpointer;
  beforeEach(() => ({ db, log, checkpointer } = fx));
  const alice = randomUUID();
  const bob = randomUUID();
  const q = () => auditDb(db.db);

  const openTransaction = <T>(body: (trx: Tx) => Promise<T>) => openTx(db, body);

  it('never voids the seq of a transaction still in flight, however many rounds pass', async () => {
    await appendBatch(db, log, [alice], 3);
    const slow = openTransaction((trx) => log.record(trx, upload(alice, 99)));
    const { seq } = await slow.ready;
    expect(seq).toBe(3);
    expect(await appendBatch(db, log, [bob], 2)).toEqual([4, 5]);
    for (let round = 0; round < 5; round++) expect((await checkpointer.signNow())?.size ?? 3).toBe(3);
    expect(
      await q().selectFrom('audit_events').select('seq').where('kind', '=', VOID_KIND_CODE).execute(),
    ).toEqual([]);
    slow.release();
    await slow.done;
    expect((await checkpointer.signNow())?.size).toBe(6);
    await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
  });

  it('a forget waits for an append in flight, and blanks it too', async () => {
    await appendBatch(db, log, [alice, bob], 4);
    const append = openTransaction((trx) => log.record(trx, upload(alice, 7)));
    await append.ready;
    let forgotten = false;
    const forget = db.db
      .transaction()
      .execute(async (trx) => {
        await db.features.auditKeyLock(trx, alice);
        await log.forgetAccount(trx, alice);
      })
      .then(() => (forgotten = true));
    await sleep(300);
    expect(forgotten).toBe(false); // the key row is share-locked by the append
    append.release();
    await append.done;
    await forget;
    const rows = await q()
      .selectFrom('audit_events')
      .selectAll()
      .where('owner', '=', ownerOf(alice))
      .execute();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.body === null && r.kind === null && r.salt === null)).toBe(true);
    expect((await checkpointer.signNow())?.size).toBe(5);
    await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
  });

  it('an append waits for a forget in flight, then finds the account gone: a forgotten log stays closed', async () => {
    await appendBatch(db, log, [alice], 2);
    const forget = openTransaction(async (trx) => {
      await db.features.auditKeyLock(trx, alice);
      await log.forgetAccount(trx, alice);
    });
    await forget.ready;
    let settled = false;
    // Settled as they end (they reject while the test still awaits the forget: no unhandled rejection).
    const append = Promise.allSettled([appendBatch(db, log, [alice], 1)]).finally(() => (settled = true));
    const appendMany = Promise.allSettled([
      db.db.transaction().execute((trx) => log.recordMany(trx, [upload(bob, 1), upload(alice, 2)])),
    ]);
    await sleep(300);
    expect(settled).toBe(false);
    forget.release();
    await forget.done;
    const [one] = await append;
    const [many] = await appendMany;
    expect(one).toMatchObject({ status: 'rejected', reason: { code: 'not_found' } });
    expect(many?.status === 'rejected' ? many.reason : undefined).toBeInstanceOf(AppError);
    // No new key beside the tombstones: they still read as forgotten, and the log verifies.
    expect(
      await q().selectFrom('audit_keys').select('key').where('account_id', '=', alice).execute(),
    ).toEqual([]);
    await expect(log.accountKey(db.db, alice)).rejects.toMatchObject({ code: 'not_found' });
    expect(await appendBatch(db, log, [bob], 1)).toHaveLength(1);
    await checkpointer.signNow();
    await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
  });
});
