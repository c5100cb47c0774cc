import { dbFeatures } from '../adapters/db/features.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { bytesEqual, leafHash, rootFromLeafHashes } from '@shoebox/shared/merkle/index';
import { DIALECTS } from '../../test/support/databases.ts';
import type { TestDatabase } from '../../test/support/databases.ts';
import { auditDb } from './audit.db.ts';
import { LEAF_BYTES, tagMatches } from './audit.leaf.ts';
import { createAuditLog, type AuditLog } from './audit.log.ts';
import { SERVER_KEY_ID } from './audit.store.ts';
import { rootAt, storedNodeCount } from './audit.tree.ts';
import { appendBatch, extendTree, openAuditTestDb, resetAuditLog, upload } from './audit.test-support.ts';
import { ownerOf } from './audit.event-row.ts';

const clock = { now: () => Date.now() };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DIALECTS)('audit log on %s', (dialect) => {
  let db: TestDatabase;
  let log: AuditLog;
  const alice = randomUUID();
  const bob = randomUUID();
  const q = () => auditDb(db.db);

  beforeAll(async () => {
    db = await openAuditTestDb(dialect);
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await resetAuditLog(db);
    log = createAuditLog({ features: dbFeatures(dialect), clock });
  });

  async function counts() {
    const n = async (t: 'audit_keys' | 'audit_events' | 'audit_leaves' | 'audit_nodes') =>
      Number(
        (
          await q()
            .selectFrom(t)
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      keys: await n('audit_keys'),
      events: await n('audit_events'),
      leaves: await n('audit_leaves'),
      nodes: await n('audit_nodes'),
    };
  }

  async function expectTreeMatchesLeaves() {
    // The signer's rounds: holes left by rolled-back claims (PostgreSQL) are voided in the second.
    await extendTree(db);
    expect(await extendTree(db)).toBe((await counts()).leaves);
    const leaves = await q().selectFrom('audit_leaves').selectAll().orderBy('seq').execute();
    expect(leaves.map((l) => Number(l.seq))).toEqual(leaves.map((_, i) => i));
    const reference = rootFromLeafHashes(leaves.map((l) => leafHash(l.leaf)));
    expect(bytesEqual(await rootAt(q(), leaves.length), reference)).toBe(true);
    expect((await counts()).nodes).toBe(storedNodeCount(leaves.length));
  }

  it('leaves no trace of an append whose transaction rolls back', async () => {
    await expect(
      db.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 40; i++) await log.record(trx, upload(alice, i));
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect(await counts()).toEqual({ keys: 0, events: 0, leaves: 0, nodes: 0 });
    // SQLite numbers from the stored rows; PostgreSQL's sequence moved on (the signer voids 0..39).
    expect(await appendBatch(db, log, [alice], 1)).toEqual([dialect === 'sqlite' ? 0 : 40]);
    await expectTreeMatchesLeaves();
  });

  it('keeps the tree right across commits and rollbacks', async () => {
    expect(await appendBatch(db, log, [alice, bob, null], 37)).toEqual([...Array(37).keys()]);
    await expect(
      db.db.transaction().execute(async (trx) => {
        await log.record(trx, upload(bob, 99));
        throw new Error('rollback');
      }),
    ).rejects.toThrow();
    const next = dialect === 'sqlite' ? 37 : 38;
    // A fresh log object (another instance) picks up where the database is.
    const other = createAuditLog({ features: dbFeatures(dialect), clock });
    expect(await appendBatch(db, other, [bob], 5)).toEqual([...Array(5).keys()].map((i) => next + i));
    expect(await appendBatch(db, log, [alice], 30)).toEqual([...Array(30).keys()].map((i) => next + 5 + i));
    await expectTreeMatchesLeaves();
  });

  it('refuses an append for an account another instance forgot after this one remembered its key', async () => {
    await appendBatch(db, log, [alice], 3);
    await createAuditLog({ features: dbFeatures(dialect), clock }).forgetAccount(db.db, alice);
    // This instance's caches still know alice's owner and terms: the claim, not a cache, decides.
    await expect(appendBatch(db, log, [alice], 1)).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      db.db.transaction().execute((trx) => log.recordMany(trx, [upload(alice, 1), upload(bob, 2)])),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(
      await q().selectFrom('audit_keys').select('key').where('account_id', '=', alice).execute(),
    ).toEqual([]);
    // Other accounts go on, and a brand-new account still gets its key on its first event.
    const newcomer = randomUUID();
    expect(await appendBatch(db, log, [bob, newcomer], 2)).toHaveLength(2);
    await expectTreeMatchesLeaves();
  });

  it('numbers concurrent transactions densely; the tree never covers a seq not yet committed', async () => {
    const committed: number[][] = [];
    let done = false;
    const reader = (async () => {
      const seen: string[] = [];
      while (!done) {
        // A reader must never see seq n+1 committed before n.
        const size = await extendTree(db);
        const n = Number(
          (
            await q()
              .selectFrom('audit_leaves')
              .select((e) => e.fn.countAll().as('n'))
              .where('seq', '<', size)
              .executeTakeFirstOrThrow()
          ).n,
        );
        if (n !== size) seen.push(`${n} rows below size ${size}`);
        await sleep(1);
      }
      return seen;
    })();
    await Promise.all(
      Array.from({ length: 8 }, (_, t) =>
        db.db
          .transaction()
          .execute(async (trx) => {
            await sleep(t % 3);
            const seqs = [];
            for (let i = 0; i < 3; i++)
              seqs.push((await log.record(trx, upload(t % 2 ? alice : bob, i))).seq);
            await sleep(5);
            return seqs;
          })
          .then((seqs) => committed.push(seqs)),
      ),
    );
    done = true;
    expect(await reader).toEqual([]);
    // Each transaction's seqs increase; together they are dense.
    for (const run of committed) expect([...run].sort((a, b) => a - b)).toEqual(run);
    expect(committed.flat().sort((a, b) => a - b)).toEqual([...Array(24).keys()]);
    await expectTreeMatchesLeaves();
  });

  it('tags leaves privately: no account id or event text, and only the owner’s key matches', async () => {
    await appendBatch(db, log, [alice, bob, null], 30);
    const events = await q()
      .selectFrom('audit_events as e')
      .innerJoin('audit_owners as o', 'o.no', 'e.owner')
      .select(['e.seq', 'o.account_id'])
      .orderBy('e.seq')
      .execute();
    const leaves = await q().selectFrom('audit_leaves').selectAll().orderBy('seq').execute();
    const keys = new Map(
      (await q().selectFrom('audit_keys').selectAll().execute()).map((k) => [k.account_id, k.key]),
    );
    expect([...keys.keys()].sort()).toEqual([alice, bob, SERVER_KEY_ID].sort());
    for (const [i, { leaf }] of leaves.entries()) {
      const text = Buffer.from(leaf).toString('latin1');
      const event = events[i];
      expect(leaf.length).toBe(LEAF_BYTES);
      for (const secret of [alice, bob, '203.0.113.77', 'device-secret-name', 'photo.uploaded']) {
        expect(text).not.toContain(secret);
      }
      // Nor the 16 raw bytes of either account's UUID.
      for (const id of [alice, bob])
        expect(Buffer.from(leaf).includes(Buffer.from(id.replaceAll('-', ''), 'hex'))).toBe(false);
      const owner = event?.account_id;
      for (const [id, key] of keys) expect(tagMatches(leaf, key, i)).toBe(id === owner);
    }
  });

  it('after forgetAccount keeps the leaves but nothing can open or attribute them', async () => {
    await appendBatch(db, log, [alice, bob], 20);
    const before = await q().selectFrom('audit_leaves').selectAll().orderBy('seq').execute();
    const aliceKey = (
      await q()
        .selectFrom('audit_keys')
        .select('key')
        .where('account_id', '=', alice)
        .executeTakeFirstOrThrow()
    ).key;
    await log.forgetAccount(db.db, alice);
    const after = await q().selectFrom('audit_leaves').selectAll().orderBy('seq').execute();
    expect(after.map((l) => Buffer.from(l.leaf).toString('hex'))).toEqual(
      before.map((l) => Buffer.from(l.leaf).toString('hex')),
    );
    expect(
      await q().selectFrom('audit_keys').select('account_id').where('account_id', '=', alice).execute(),
    ).toEqual([]);
    const blank = await q()
      .selectFrom('audit_events')
      .selectAll()
      .where('owner', '=', ownerOf(alice))
      .execute();
    expect(blank).toHaveLength(10);
    expect(blank.every((e) => e.body === null && e.salt === null && e.kind === null)).toBe(true);
    // The old key was only ever in the row, and no new one is made for the id: its log is closed.
    await expect(log.accountKey(db.db, alice)).rejects.toMatchObject({ code: 'not_found' });
    expect(after.filter((l) => tagMatches(l.leaf, aliceKey, Number(l.seq)))).toHaveLength(10);
    await expectTreeMatchesLeaves();
  });
});
