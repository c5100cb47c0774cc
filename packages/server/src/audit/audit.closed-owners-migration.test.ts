// Migration 0026 closes again the logs that releases before it re-opened: a claim for a forgotten account made a new
// key, and the account's blanked tombstones beside that key failed every full verification from then on (a halt
// nobody could clear). The repair forgets such an owner once more; it leaves alone accounts that still exist and
// owners that were never forgotten.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { closeReopenedLogs } from '../adapters/db/migrations/0026-audit-closed-owners.ts';
import { createLogger } from '../platform/logger.ts';
import { createCheckpointer } from './audit.checkpointer.ts';
import { auditDb } from './audit.db.ts';
import { ownerOf } from './audit.event-row.ts';
import { createAuditLog } from './audit.log.ts';
import { appendBatch, openAuditTestDb } from './audit.test-support.ts';

const clock = { now: () => Date.now() };

describe.each(DIALECTS)('migration 0026 on a log re-opened before it (%s)', (dialect) => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await openAuditTestDb(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-closed-owners-'));
  });
  afterAll(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('forgets a deleted account whose log was re-keyed, so the full verification passes again', async () => {
    const [deleted, kept] = [randomUUID(), randomUUID()];
    const log = createAuditLog({ features: db.features, clock });
    await appendBatch(db, log, [deleted, kept], 6);
    await db.db.transaction().execute((trx) => log.forgetAccount(trx, deleted));
    // What a release before 0026 did on the next claim for it: a new key, and events under it.
    const q = auditDb(db.db);
    await q
      .insertInto('audit_keys')
      .values({ account_id: deleted, key: randomBytes(32), created_at: clock.now() })
      .execute();
    await appendBatch(db, log, [deleted], 2);
    const checkpointer = createCheckpointer({
      db: db.db,
      log: createLogger('silent'),
      signerKeyFile: path.join(dir, 'log.key'),
      clock,
    });
    expect((await checkpointer.signNow())?.size).toBe(8);
    await expect(checkpointer.verifyOnStart({ full: true })).rejects.toThrow(
      /was blanked but its account was not forgotten/,
    );

    expect(await closeReopenedLogs(db.db as unknown as Kysely<unknown>)).toBe(1);
    await expect(checkpointer.verifyOnStart({ full: true })).resolves.toBeUndefined();
    const keys = await q.selectFrom('audit_keys').select('account_id').execute();
    expect(keys.map((k) => k.account_id)).toEqual([kept]);
    const theirs = await q
      .selectFrom('audit_events')
      .selectAll()
      .where('owner', '=', ownerOf(deleted))
      .execute();
    expect(theirs).toHaveLength(5);
    expect(theirs.every((e) => e.body === null && e.kind === null)).toBe(true);
    const terms = await q
      .selectFrom('audit_terms')
      .select('no')
      .where('owner', '=', ownerOf(deleted))
      .execute();
    expect(terms).toEqual([]);
    // Nothing left to close: a second run changes nothing.
    expect(await closeReopenedLogs(db.db as unknown as Kysely<unknown>)).toBe(0);
    await checkpointer.stop();
  });
});
