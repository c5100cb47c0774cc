import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { bytesEqual, leafHash, rootFromLeafHashes } from '@shoebox/shared/merkle/index';
import { dbFeatures } from '../adapters/db/features.ts';
import { DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { auditDb, auditTx } from './audit.db.ts';
import { ownerOf } from './audit.event-row.ts';
import { createAuditLog } from './audit.log.ts';
import { rootAt, storedNodeCount } from './audit.tree.ts';
import { appendBatch, extendTree, openAuditTestDb, resetAuditLog, upload } from './audit.test-support.ts';

const clock = { now: () => Date.now() };

describe.each(DIALECTS)('batched audit appends on %s', (dialect) => {
  let db: TestDatabase;
  const alice = randomUUID();
  const bob = randomUUID();
  const q = () => auditDb(db.db);
  const leafCount = async (at = q()) =>
    Number(
      (
        await at
          .selectFrom('audit_leaves')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  async function expectTreeMatchesLeaves(size: number) {
    expect(await extendTree(db)).toBe(size);
    const leaves = await q().selectFrom('audit_leaves').selectAll().orderBy('seq').execute();
    expect(leaves.map((l) => Number(l.seq))).toEqual([...Array(size).keys()]);
    const reference = rootFromLeafHashes(leaves.map((l) => leafHash(l.leaf)));
    expect(bytesEqual(await rootAt(q(), size), reference)).toBe(true);
    const nodes = await q()
      .selectFrom('audit_nodes')
      .select((e) => e.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(nodes.n)).toBe(storedNodeCount(size));
    const events = await q().selectFrom('audit_events').select('seq').orderBy('seq').execute();
    expect(events.map((e) => Number(e.seq))).toEqual([...Array(size).keys()]);
  }

  beforeAll(async () => {
    db = await openAuditTestDb(dialect);
  });
  afterAll(() => db.close());
  beforeEach(() => resetAuditLog(db));

  it('writes the first append at once and the rest together at commit', async () => {
    const log = createAuditLog({ features: dbFeatures(dialect), clock });
    const seqs = await db.db.transaction().execute(async (trx) => {
      const out: number[] = [];
      for (let i = 0; i < 70; i++) out.push((await log.record(trx, upload(i % 3 ? alice : bob, i))).seq);
      // Inside the transaction only the first is stored so far: the others wait for the commit hook.
      expect(await leafCount(auditTx(trx))).toBe(1);
      return out;
    });
    expect(seqs).toEqual([...Array(70).keys()]);
    expect(await appendBatch(db, log, [null, alice], 40)).toEqual([...Array(40).keys()].map((i) => 70 + i));
    await expectTreeMatchesLeaves(110);
  });

  it('refuses the queued appends of an account another instance forgot: the whole transaction rolls back', async () => {
    const log = createAuditLog({ features: dbFeatures(dialect), clock });
    await appendBatch(db, log, [alice], 2);
    // Another instance deletes the account: its log is closed, whatever this instance's caches remember.
    await createAuditLog({ features: dbFeatures(dialect), clock }).forgetAccount(db.db, alice);
    await expect(appendBatch(db, log, [bob, alice], 4)).rejects.toMatchObject({ code: 'not_found' });
    expect(
      await q().selectFrom('audit_keys').select('key').where('account_id', '=', alice).execute(),
    ).toEqual([]);
    expect(await appendBatch(db, log, [bob], 1)).toHaveLength(1);
    // PostgreSQL claimed seqs for the rolled-back appends: the signer voids them in its second round.
    await extendTree(db);
    const size = await extendTree(db);
    expect(
      await q().selectFrom('audit_events').select('seq').where('owner', '=', ownerOf(bob)).execute(),
    ).toHaveLength(1);
    await expectTreeMatchesLeaves(size);
  });

  it('writes every append at once where no commit hook can be registered', async () => {
    const { beforeCommit: _, ...withoutHooks } = dbFeatures(dialect);
    const log = createAuditLog({ features: withoutHooks, clock });
    await db.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 20; i++) await log.record(trx, upload(alice, i));
      expect(await leafCount(auditTx(trx))).toBe(20);
    });
    await expectTreeMatchesLeaves(20);
  });

  it('keeps concurrent batched transactions dense, each one’s seqs increasing', async () => {
    const logs = [0, 1].map(() => createAuditLog({ features: dbFeatures(dialect), clock }));
    const runs = await Promise.all(
      logs.flatMap((log) => [0, 1, 2].map(() => appendBatch(db, log, [alice, bob, null], 25))),
    );
    expect(runs.flat().sort((a, b) => a - b)).toEqual([...Array(150).keys()]);
    for (const run of runs) expect([...run].sort((a, b) => a - b)).toEqual(run);
    await expectTreeMatchesLeaves(150);
  });

  it('sends one write per appending transaction plus one batch at its commit', async () => {
    const features = dbFeatures(dialect);
    let inserts = 0;
    let batches = 0;
    const log = createAuditLog({
      features: {
        ...features,
        auditInsert: (trx, row) => (inserts++, features.auditInsert(trx, row)),
        auditAppendBatch: (trx, rows) => (batches++, features.auditAppendBatch(trx, rows)),
      },
      clock,
    });
    await Promise.all(Array.from({ length: 8 }, () => appendBatch(db, log, [alice, bob], 5)));
    expect({ inserts, batches }).toEqual({ inserts: 8, batches: 8 });
    await expectTreeMatchesLeaves(40);
  });
});
