import { dbFeatures } from '../adapters/db/features.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { createLogger } from '../platform/logger.ts';
import { createCheckpointer, type Checkpointer } from './audit.checkpointer.ts';
import { encodeBody, encodeTerm } from './audit.codec.ts';
import { auditDb, type AuditDb } from './audit.db.ts';
import { ownerOf } from './audit.event-row.ts';
import { kindCode } from './audit.kind-codes.ts';
import { createAuditLog, type AuditLog } from './audit.log.ts';
import { VERIFIED_MARK } from './audit.verify-mark.ts';
import { createAuditService, type AuditService } from './audit.service.ts';
import { AuditIntegrityError, nodeRowId, storedNodeCount, treeSize } from './audit.tree.ts';
import { toProblem } from '../adapters/http/problem.ts';
import {
  appendBatch,
  change,
  deviceAudit,
  openAuditTestDb,
  resetAuditLog,
  swap,
  trustedPrincipal,
} from './audit.test-support.ts';

const clock = { now: () => Date.now() };
const alice = randomUUID();
const bob = randomUUID();
const SIZE = 100; // alice has seq 0, 3, 6, …; the last block (96..99) is below STORED_LEVEL

interface Case {
  name: string;
  tamper: (db: AuditDb) => Promise<void>;
  /** Also caught by the quick O(log n) start-up check. */
  quick?: boolean;
  /** What alice's device reports (substring), when the tampering touches what it checks. */
  device?: string;
  /** What the server answers alice's device instead, when it cannot even serve her events. */
  serverRefuses?: RegExp;
}

const CASES: Case[] = [
  { name: 'change an event', tamper: (db) => change(db, 'audit_events', 6), device: '6: leaf does not open' },
  {
    name: 'delete an event',
    tamper: (db) => db.deleteFrom('audit_events').where('seq', '=', 6).execute().then(),
    device: '6: undisclosed',
  },
  {
    name: 'reorder two events',
    tamper: (db) => swap(db, 'audit_events', 3, 6),
    // The stored row carries no seq of its own any more: event 6's body rebuilt at seq 3 opens no leaf.
    device: '3: leaf does not open',
  },
  {
    name: 'insert an event',
    tamper: (db) =>
      db
        .insertInto('audit_events')
        .values({
          seq: SIZE,
          owner: ownerOf(alice),
          kind: kindCode('photo.deleted'),
          body: encodeBody({}),
          salt: null,
          created_at: 0,
        })
        .execute()
        .then(),
  },
  {
    name: "change an event's kind",
    tamper: (db) =>
      db
        .updateTable('audit_events')
        .set({ kind: kindCode('photo.trashed') })
        .where('seq', '=', 6)
        .execute()
        .then(),
    device: '6: leaf does not open',
  },
  {
    name: 'move an event to another account',
    tamper: (db) =>
      db
        .updateTable('audit_events')
        .set({ owner: ownerOf(bob) })
        .where('seq', '=', 6)
        .execute()
        .then(),
    device: '6: undisclosed',
  },
  {
    name: "garble an event's stored bytes",
    tamper: (db) =>
      db
        .updateTable('audit_events')
        .set({ body: Buffer.from([1, 99]) })
        .where('seq', '=', 6)
        .execute()
        .then(),
    serverRefuses: /audit entry 6 cannot be read/,
  },
  { name: 'change a leaf', tamper: (db) => change(db, 'audit_leaves', 6), device: '6: leaf does not open' },
  { name: 'change the newest leaf', tamper: (db) => change(db, 'audit_leaves', SIZE - 1), quick: true },
  {
    name: 'delete a leaf',
    tamper: (db) => db.deleteFrom('audit_leaves').where('seq', '=', 7).execute().then(),
    device: '6: audit log node (0, 7) is missing',
  },
  {
    name: 'reorder two leaves',
    tamper: (db) => swap(db, 'audit_leaves', 3, 6),
    device: '3: leaf does not open',
  },
  {
    name: 'insert a leaf',
    tamper: (db) =>
      db
        .insertInto('audit_leaves')
        .values({ seq: SIZE, leaf: Buffer.alloc(64, 7) })
        .execute()
        .then(),
  },
  {
    name: 'change a node on the checkpoint path',
    tamper: (db) => change(db, 'audit_nodes', nodeRowId(6, 0)),
    quick: true,
  },
  {
    name: 'change an inner node',
    tamper: (db) => change(db, 'audit_nodes', nodeRowId(4, 1)),
    device: '6: computed root does not match',
  },
  {
    name: 'delete a node',
    tamper: (db) => db.deleteFrom('audit_nodes').where('id', '=', nodeRowId(4, 0)).execute().then(),
    device: '21: audit log node (4, 0) is missing',
  },
  {
    name: 'reorder two nodes',
    tamper: (db) => swap(db, 'audit_nodes', nodeRowId(4, 0), nodeRowId(4, 1)),
    device: '0: computed root does not match',
  },
  {
    name: 'insert a node',
    tamper: (db) =>
      db
        .insertInto('audit_nodes')
        .values({ id: storedNodeCount(SIZE), hash: Buffer.alloc(32, 1) })
        .execute()
        .then(),
  },
  {
    name: 'change a checkpoint row',
    tamper: (db) =>
      db
        .updateTable('audit_checkpoints')
        .set({ root: Buffer.alloc(32) })
        .execute()
        .then(),
    quick: true,
  },
  {
    name: 'insert a checkpoint row (a copy of the latest, at another size)',
    tamper: async (db) => {
      const latest = await db
        .selectFrom('audit_checkpoints')
        .selectAll()
        .orderBy('size', 'desc')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('audit_checkpoints')
        .values({ ...latest, size: 30 })
        .execute();
    },
  },
  {
    name: 'reorder two checkpoint rows',
    tamper: async (db) => {
      const [a, b] = await db.selectFrom('audit_checkpoints').selectAll().orderBy('size').execute();
      if (!a || !b) throw new Error('expected two checkpoints');
      await db
        .updateTable('audit_checkpoints')
        .set({ root: b.root, note: b.note })
        .where('size', '=', a.size)
        .execute();
      await db
        .updateTable('audit_checkpoints')
        .set({ root: a.root, note: a.note })
        .where('size', '=', b.size)
        .execute();
    },
    quick: true,
  },
  {
    name: "change an account's key",
    tamper: (db) =>
      db
        .updateTable('audit_keys')
        .set({ key: Buffer.alloc(32, 9) })
        .where('account_id', '=', alice)
        .execute()
        .then(),
  },
  {
    name: "delete an account's key (its entries are not forgotten)",
    tamper: (db) => db.deleteFrom('audit_keys').where('account_id', '=', alice).execute().then(),
  },
  {
    name: "swap two accounts' owner numbers",
    tamper: async (db) => {
      const [a, b] = [ownerOf(alice), ownerOf(bob)];
      await db.updateTable('audit_owners').set({ account_id: 'swapping' }).where('no', '=', a).execute();
      await db.updateTable('audit_owners').set({ account_id: alice }).where('no', '=', b).execute();
      await db
        .updateTable('audit_owners')
        .set({ account_id: bob })
        .where('account_id', '=', 'swapping')
        .execute();
    },
  },
];

/** alice's terms (her device and session ids in every event of hers), oldest first. */
async function termsOf(db: AuditDb, accountId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('audit_terms')
    .select('no')
    .where('owner', '=', ownerOf(accountId))
    .orderBy('no')
    .execute();
  if (rows.length < 2) throw new Error(`expected terms for ${accountId}`);
  return rows.map((r) => Number(r.no));
}

const TERM_CASES: Case[] = [
  {
    name: 'change a term',
    tamper: async (db) => change(db, 'audit_terms', (await termsOf(db, alice))[0] ?? -1),
    device: '6: leaf does not open',
  },
  {
    name: 'delete a term',
    tamper: async (db) =>
      db
        .deleteFrom('audit_terms')
        .where('no', '=', (await termsOf(db, alice))[0] ?? -1)
        .execute()
        .then(),
    serverRefuses: /audit entry 0 cannot be read: audit term \d+ is missing/,
  },
  {
    name: 'reorder two terms',
    tamper: async (db) => {
      const [a = -1, b = -1] = await termsOf(db, alice);
      await swap(db, 'audit_terms', a, b);
    },
    device: '6: leaf does not open',
  },
  {
    name: 'move a term to another account',
    tamper: async (db) => {
      // An account that logged nothing of the same value (bob's events name the same test device id).
      const carol = randomUUID();
      await db.insertInto('audit_owners').values({ account_id: carol }).execute();
      await db
        .updateTable('audit_terms')
        .set({ owner: ownerOf(carol) })
        .where('no', '=', (await termsOf(db, alice))[0] ?? -1)
        .execute();
    },
  },
  {
    name: 'insert a term',
    tamper: (db) =>
      db
        .insertInto('audit_terms')
        .values({ owner: ownerOf(alice), value: encodeTerm('a device she never had') })
        .execute()
        .then(),
  },
];

/** Deleted rows: every proof, page or event that needs them must say the log is damaged, never a bare 500. */
const DELETIONS: { name: string; tamper: (db: AuditDb) => Promise<void> }[] = [
  { name: 'a leaf', tamper: (db) => db.deleteFrom('audit_leaves').where('seq', '=', 7).execute().then() },
  {
    name: 'the newest leaf',
    tamper: (db) =>
      db
        .deleteFrom('audit_leaves')
        .where('seq', '=', SIZE - 1)
        .execute()
        .then(),
  },
  {
    name: 'a node',
    tamper: (db) => db.deleteFrom('audit_nodes').where('id', '=', nodeRowId(4, 0)).execute().then(),
  },
];

/** Every answer a device may ask for about a log of SIZE entries, each as its outcome. */
async function everyAnswer(service: AuditService): Promise<unknown[]> {
  const actor = trustedPrincipal(alice);
  const calls: Promise<unknown>[] = [service.leaves(actor, 0, SIZE), service.events(actor, undefined, 1000)];
  for (let seq = 0; seq < SIZE; seq++) calls.push(service.inclusion(actor, seq, SIZE));
  for (let from = 1; from < SIZE; from += 7) calls.push(service.consistency(actor, from, SIZE));
  return Promise.all(calls.map((c) => c.catch((err: unknown) => err)));
}

describe.each(DIALECTS)('audit tampering on %s', (dialect) => {
  let db: TestDatabase;
  let dir: string;
  let checkpointer: Checkpointer;
  let service: AuditService;
  let log: AuditLog;
  const q = () => auditDb(db.db);

  beforeAll(async () => {
    db = await openAuditTestDb(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-audit-'));
  });
  afterAll(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await resetAuditLog(db);
    await db.db.deleteFrom('settings').where('key', '=', VERIFIED_MARK).execute();
    log = createAuditLog({ features: dbFeatures(dialect), clock });
    const signerKeyFile = path.join(dir, 'log.key');
    checkpointer = createCheckpointer({
      db: db.db,
      log: createLogger('silent'),
      signerKeyFile,
      clock,
      features: db.features,
    });
    service = createAuditService({ db: db.db, log, checkpointer });
    await appendBatch(db, log, [alice, bob, null], 60);
    await checkpointer.signNow();
    await appendBatch(db, log, [alice, bob, null], SIZE - 60);
    await checkpointer.signNow();
    expect(await treeSize(q())).toBe(SIZE);
  });

  it('passes every check when nothing was touched', async () => {
    await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
    expect(await deviceAudit(service, alice)).toEqual([]);
  });

  it.each([...CASES, ...TERM_CASES])('detects: $name', async ({ tamper, quick, device, serverRefuses }) => {
    await tamper(q());
    // Never verified before: the incremental start-up check starts from the first entry, like the full one.
    const first = checkpointer.verifyOnStart({ incremental: true });
    await expect(first).rejects.toBeInstanceOf(AuditIntegrityError);
    const full = checkpointer.verifyOnStart({ full: true });
    await expect(full).rejects.toBeInstanceOf(AuditIntegrityError);
    if (quick) await expect(checkpointer.verifyOnStart()).rejects.toBeInstanceOf(AuditIntegrityError);
    if (device) expect((await deviceAudit(service, alice)).join('\n')).toContain(device);
    if (serverRefuses) await expect(deviceAudit(service, alice)).rejects.toThrow(serverRefuses);
  });

  it('a deleted checkpoint row loses nothing: the signer signs the same size again, byte for byte', async () => {
    // Checkpoints are signed statements about the tree, which stays whole; devices and exports keep their own
    // copies. A row deleted from the server's table is signed again identically (Ed25519 is deterministic).
    const latest = await q()
      .selectFrom('audit_checkpoints')
      .selectAll()
      .orderBy('size', 'desc')
      .executeTakeFirstOrThrow();
    await q().deleteFrom('audit_checkpoints').where('size', '=', latest.size).execute();
    // The next start (a signer that has not signed this size itself) finds the tree ahead of the last row, and signs.
    const restarted = createCheckpointer({
      db: db.db,
      log: createLogger('silent'),
      signerKeyFile: path.join(dir, 'log.key'),
      clock,
      features: db.features,
    });
    await expect(restarted.verifyOnStart({ full: true })).resolves.toBeUndefined();
    expect((await restarted.signNow())?.size).toBe(Number(latest.size));
    const again = await q()
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('size', '=', latest.size)
      .executeTakeFirstOrThrow();
    expect(again.note).toBe(latest.note);
    await expect(restarted.verifyOnStart({ full: true })).resolves.toBeUndefined();
  });

  it.each(DELETIONS)(
    'answers audit_log_damaged, never a bare 500, when $name is deleted',
    async ({ tamper }) => {
      expect((await everyAnswer(service)).filter((a) => a instanceof Error)).toEqual([]);
      await tamper(q());
      const failures = (await everyAnswer(service)).filter((a) => a instanceof Error);
      expect(failures.length).toBeGreaterThan(0);
      for (const err of failures) {
        const problem = toProblem(err, 'req');
        expect(problem.code).toBe('audit_log_damaged');
        expect(problem.type).toBe('https://shoebox.dev/problems/audit-log-damaged');
        expect(problem.detail).toMatch(/^audit (leaf|log node)|^the log has/);
      }
      // And the server would not start on it.
      await expect(checkpointer.verifyOnStart({ full: true })).rejects.toBeInstanceOf(AuditIntegrityError);
    },
  );

  describe('incremental start-up verification', () => {
    const mark = async () =>
      (await db.db.selectFrom('settings').select('value').where('key', '=', VERIFIED_MARK).executeTakeFirst())
        ?.value;

    it('re-derives only what came after the last verification; the full check still reaches older rows', async () => {
      await checkpointer.verifyOnStart({ incremental: true });
      expect(await mark()).toContain(`\n${SIZE}\n`);
      await appendBatch(db, log, [alice, bob, null], 20);
      await checkpointer.signNow();
      // Rewritten below the mark: the quick start-up does not read it again, a full check does.
      await change(q(), 'audit_events', 6);
      await expect(checkpointer.verifyOnStart({ incremental: true })).resolves.toBeUndefined();
      expect(await mark()).toContain(`\n${SIZE + 20}\n`);
      await expect(checkpointer.verifyOnStart({ full: true })).rejects.toBeInstanceOf(AuditIntegrityError);
      // Rewritten above the mark: caught at start.
      await appendBatch(db, log, [alice, bob, null], 10);
      await checkpointer.signNow();
      await change(q(), 'audit_events', SIZE + 21);
      await expect(checkpointer.verifyOnStart({ incremental: true })).rejects.toBeInstanceOf(
        AuditIntegrityError,
      );
      expect(await mark()).toContain(`\n${SIZE + 20}\n`);
    });

    it('refuses a mark moved forward by someone without the log key', async () => {
      await appendBatch(db, log, [alice], 1);
      await checkpointer.extendTree();
      await checkpointer.verifyOnStart({ incremental: true });
      const signed = (await mark()) ?? '';
      await appendBatch(db, log, [alice, bob], 10);
      await change(q(), 'audit_events', SIZE + 2);
      await db.db
        .updateTable('settings')
        .set({ value: signed.replace(`\n${SIZE + 1}\n`, `\n${SIZE + 11}\n`) })
        .where('key', '=', VERIFIED_MARK)
        .execute();
      await expect(checkpointer.verifyOnStart({ incremental: true })).rejects.toThrow(
        /not signed by the log key/,
      );
    });

    it('refuses when the tree no longer hashes to the verified head', async () => {
      await appendBatch(db, log, [alice], 5);
      await checkpointer.extendTree();
      await checkpointer.verifyOnStart({ incremental: true });
      // Leaf SIZE+1 is under the verified edge at SIZE+5 but above the last checkpoint (SIZE): only the mark covers it.
      await change(q(), 'audit_leaves', SIZE + 1);
      await expect(checkpointer.verifyOnStart({ incremental: true })).rejects.toThrow(/no longer hashes/);
    });
  });
});
