// Packed storage (migration 0029, PostgreSQL): entries the tree covers move into blocks, every reader answers the
// same before and after, forgetting an account blanks its blocks, and changing, deleting, reordering or inserting a
// block row fails the full verification.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { LEAF_BLOCK } from '../adapters/db/audit-blocks.ts';
import { createLogger } from '../platform/logger.ts';
import { createCheckpointer, type Checkpointer } from './audit.checkpointer.ts';
import { auditDb } from './audit.db.ts';
import { createAuditLog, type AuditLog } from './audit.log.ts';
import { createAuditService, type AuditService } from './audit.service.ts';
import {
  appendBatch,
  deviceAudit,
  openAuditTestDb,
  resetAuditLog,
  rewrittenBody,
  trustedPrincipal,
  upload,
} from './audit.test-support.ts';
import { AuditIntegrityError, treeSize } from './audit.tree.ts';
import { VERIFIED_MARK } from './audit.verify-mark.ts';

const DAY = 24 * 3600_000;
const SIZE = 3 * LEAF_BLOCK + 30; // alice, bob and the server a third each, round robin: 178 (2 full event blocks)
const alice = randomUUID();
const bob = randomUUID();

describe.each(DIALECTS)('packed audit storage on %s', (dialect) => {
  let db: TestDatabase;
  let dir: string;
  let log: AuditLog;
  let checkpointer: Checkpointer;
  let service: AuditService;
  let now = Date.now();
  const clock = { now: () => now };
  const q = () => auditDb(db.db);
  const count = async (table: 'audit_events' | 'audit_leaves' | 'audit_leaf_blocks' | 'audit_event_blocks') =>
    Number(
      (
        await q()
          .selectFrom(table)
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const ownerNo = async (accountId: string) =>
    Number(
      (
        await q()
          .selectFrom('audit_owners')
          .select('no')
          .where('account_id', '=', accountId)
          .executeTakeFirstOrThrow()
      ).no,
    );

  /** Everything the log serves alice's device, and her export's rows. */
  async function answers(): Promise<unknown> {
    const actor = trustedPrincipal(alice);
    const size = await treeSize(q());
    const inclusions = [];
    for (let seq = 0; seq < size; seq += 7) inclusions.push(await service.inclusion(actor, seq, size));
    return {
      events: await service.events(actor, undefined, 1000),
      leaves: await service.leaves(actor, 0, size),
      inclusions,
      consistency: await service.consistency(actor, 5, size),
    };
  }

  beforeAll(async () => {
    db = await openAuditTestDb(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-audit-'));
  });
  afterAll(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    now = Date.now();
    await resetAuditLog(db);
    await db.db.deleteFrom('settings').where('key', '=', VERIFIED_MARK).execute();
    log = createAuditLog({ features: db.features, clock });
    checkpointer = createCheckpointer({
      db: db.db,
      log: createLogger('silent'),
      signerKeyFile: path.join(dir, 'log.key'),
      clock,
      features: db.features,
    });
    service = createAuditService({ db: db.db, log, checkpointer });
    await appendBatch(db, log, [alice, bob, null], SIZE);
    await checkpointer.signNow();
    expect(await treeSize(q())).toBe(SIZE);
  });

  it.runIf(dialect === 'sqlite')(
    'SQLite keeps one row per entry (its rows already cost less than 200 bytes)',
    async () => {
      expect(await checkpointer.packNow()).toBeUndefined();
      expect(await count('audit_events')).toBe(SIZE);
      expect(await count('audit_leaf_blocks')).toBe(0);
    },
  );

  describe.runIf(dialect === 'postgres')('packing', () => {
    it('moves whole leaf blocks and full event blocks, and every answer stays the same', async () => {
      const before = await answers();
      expect(await checkpointer.packNow()).toEqual({ leafBlocks: 3, eventBlocks: 6 });
      expect(await count('audit_leaves')).toBe(SIZE % LEAF_BLOCK);
      expect(await count('audit_events')).toBe(SIZE - 6 * 64);
      expect(await answers()).toEqual(before);
      expect(await deviceAudit(service, alice)).toEqual([]);
      await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
      // Nothing is left to move until the log grows or a day passes.
      expect(await checkpointer.packNow()).toEqual({ leafBlocks: 0, eventBlocks: 0 });
    });

    it('packs the rest of a kind quiet for a day into a last block, and never reopens it', async () => {
      await checkpointer.packNow();
      now += DAY + 1000;
      expect(await checkpointer.packNow()).toEqual({ leafBlocks: 0, eventBlocks: 3 });
      expect(await count('audit_events')).toBe(0);
      // New events of the same owner and kind start a new block instead of joining the sealed one.
      await appendBatch(db, log, [alice], 70);
      await checkpointer.signNow();
      now += DAY + 1000;
      expect(await checkpointer.packNow()).toMatchObject({ eventBlocks: 2 });
      const blocks = await q()
        .selectFrom('audit_event_blocks')
        .select(['first_seq', 'last_seq'])
        .where('owner', '=', await ownerNo(alice))
        .orderBy('first_seq')
        .execute();
      expect(blocks.map((b) => Number(b.last_seq) - Number(b.first_seq))).toEqual([189, 189, 147, 63, 5]);
      expect(await deviceAudit(service, alice)).toEqual([]);
      await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
    });

    it('packs a leaf block holding a void entry (a 64-byte leaf among 48-byte ones), and it reads the same', async () => {
      // A transaction that claims a seq and rolls back leaves a hole, which the signer voids on its second look.
      await db.db
        .transaction()
        .execute(async (trx) => {
          await log.record(trx, upload(alice, 0));
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      await appendBatch(db, log, [alice], LEAF_BLOCK);
      await checkpointer.signNow();
      await checkpointer.signNow();
      const size = await treeSize(q());
      expect(size).toBe(SIZE + 1 + LEAF_BLOCK);
      const before = await answers();
      await checkpointer.packNow();
      const mixed = await q()
        .selectFrom('audit_leaf_blocks')
        .select(['first_seq', 'stride'])
        .where('first_seq', '=', 3 * LEAF_BLOCK)
        .executeTakeFirstOrThrow();
      expect(mixed.stride).toBe(-65);
      expect(await answers()).toEqual(before);
      await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
    });

    it('forgetting an account blanks its packed events, and the log still verifies', async () => {
      now += DAY + 1000;
      await checkpointer.packNow();
      await db.db.transaction().execute((trx) => log.forgetAccount(trx, bob));
      const bobs = await q()
        .selectFrom('audit_all_events')
        .select(['kind', 'body', 'salt'])
        .where('owner', '=', await ownerNo(bob))
        .execute();
      expect(bobs).toHaveLength(SIZE / 3);
      expect(bobs.every((e) => e.kind === null && e.body === null && e.salt === null)).toBe(true);
      await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
    });

    const TAMPER: { name: string; tamper: () => Promise<void>; device?: string }[] = [
      {
        name: 'change a byte of a packed leaf',
        tamper: async () => {
          const at = 6 * 48 + 20; // a byte of seq 6's leaf
          await sql`update audit_leaf_blocks set leaves = set_byte(leaves, ${at}, get_byte(leaves, ${at}) # 1)
            where first_seq = 0`.execute(db.db);
        },
        device: '6: leaf does not open',
      },
      {
        name: 'delete a leaf block',
        tamper: async () => {
          await sql`delete from audit_leaf_blocks where first_seq = ${LEAF_BLOCK}`.execute(db.db);
        },
      },
      {
        name: 'reorder two leaves in a block',
        tamper: async () => {
          const [a, b] = [4 * 48 + 1, 7 * 48 + 1]; // seqs 4 and 7
          await sql`update audit_leaf_blocks set leaves = overlay(overlay(leaves placing substring(leaves from ${b} for 48)
            from ${a} for 48) placing substring(leaves from ${a} for 48) from ${b} for 48) where first_seq = 0`.execute(
            db.db,
          );
        },
      },
      {
        name: 'insert a leaf block',
        tamper: async () => {
          await sql`insert into audit_leaf_blocks (first_seq, stride, leaves)
            select first_seq + ${LEAF_BLOCK * 100}, stride, leaves from audit_leaf_blocks where first_seq = 0`.execute(
            db.db,
          );
        },
      },
      {
        name: 'change a packed event',
        tamper: async () => {
          const block = await q()
            .selectFrom('audit_event_blocks')
            .select(['first_seq', 'bodies'])
            .where('owner', '=', await ownerNo(alice))
            .orderBy('first_seq')
            .executeTakeFirstOrThrow();
          const body = block.bodies?.[2];
          if (!body) throw new Error('no packed body');
          const changed = await rewrittenBody(q(), body, '203.0.113.77', '198.51.100.1');
          await sql`update audit_event_blocks set bodies[3] = ${changed}
            where owner = ${await ownerNo(alice)} and first_seq = ${block.first_seq}`.execute(db.db);
        },
        device: '6: leaf does not open',
      },
      {
        name: 'delete an event block',
        tamper: async () => {
          await sql`delete from audit_event_blocks where owner = ${await ownerNo(alice)}`.execute(db.db);
        },
      },
      {
        name: 'reorder two events in a block',
        tamper: async () => {
          await sql`update audit_event_blocks set seqs[1] = seqs[2], seqs[2] = seqs[1]
            where owner = ${await ownerNo(alice)}`.execute(db.db);
        },
      },
      {
        name: 'reorder two event blocks',
        tamper: async () => {
          // alice has two full blocks: each takes the other's events, seqs and spans staying.
          const owner = await ownerNo(alice);
          await sql`update audit_event_blocks b set bodies = o.bodies, times = o.times from audit_event_blocks o
            where b.owner = ${owner} and o.owner = ${owner} and o.first_seq <> b.first_seq`.execute(db.db);
        },
      },
      {
        name: 'insert an event block (a copy under another account)',
        tamper: async () => {
          await sql`insert into audit_event_blocks (owner, kind, first_seq, last_seq, seqs, times, bodies, salts)
            select ${await ownerNo(bob)}, kind, first_seq, last_seq, seqs, times, bodies, salts
            from audit_event_blocks where owner = ${await ownerNo(alice)}`.execute(db.db);
        },
      },
      {
        name: "move an event block's span beyond the tree",
        tamper: async () => {
          await sql`update audit_event_blocks set first_seq = first_seq + 100000, last_seq = last_seq + 100000
            where owner = ${await ownerNo(alice)}`.execute(db.db);
        },
      },
      {
        name: 'move an event block to another account',
        tamper: async () => {
          await sql`update audit_event_blocks set owner = ${await ownerNo(bob)}
            where owner = ${await ownerNo(alice)}`.execute(db.db);
        },
      },
      {
        // Outside its block's span no page of the check reads it, but readers by owner would show it.
        name: 'add an event to a block beyond its span',
        tamper: async () => {
          await sql`update audit_event_blocks set seqs = seqs || 999999::bigint, times = times || times[1],
            bodies = bodies || bodies[1] where owner = ${await ownerNo(alice)} and first_seq = 0`.execute(
            db.db,
          );
        },
      },
      {
        // A span below the log: no page of any pass reads it, whatever it was verified up to.
        name: 'insert an event block spanning seqs below zero',
        tamper: async () => {
          await sql`insert into audit_event_blocks (owner, kind, first_seq, last_seq, seqs, times, bodies, salts)
            select owner, kind, -5, -1, array[-5, seqs[2]]::bigint[], times[1:2], bodies[1:2], null
            from audit_event_blocks where owner = ${await ownerNo(alice)} and first_seq = 0`.execute(db.db);
        },
      },
      {
        name: "cut a block's times short",
        tamper: async () => {
          await sql`update audit_event_blocks set times = times[1:10]
            where owner = ${await ownerNo(alice)} and first_seq = 0`.execute(db.db);
        },
      },
      {
        name: 'add a body with no seq to a block',
        tamper: async () => {
          await sql`update audit_event_blocks set bodies = bodies || bodies[1]
            where owner = ${await ownerNo(alice)} and first_seq = 0`.execute(db.db);
        },
      },
      {
        name: 'add a leaf to a leaf block',
        tamper: async () => {
          await sql`update audit_leaf_blocks set leaves = leaves || substring(leaves from 1 for stride)
            where first_seq = ${2 * LEAF_BLOCK}`.execute(db.db);
        },
      },
      {
        name: "zero a leaf block's stride",
        tamper: async () => {
          await sql`update audit_leaf_blocks set stride = 0 where first_seq = 0`.execute(db.db);
        },
      },
    ];

    it.each(TAMPER)('$name fails the full verification', async ({ tamper, device }) => {
      await checkpointer.packNow();
      await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
      await tamper();
      await expect(checkpointer.verifyOnStart({ full: true })).rejects.toBeInstanceOf(AuditIntegrityError);
      if (device) expect((await deviceAudit(service, alice)).join('\n')).toContain(device);
    });
  });
});
