// SQLite group commit (adapters/db/sqlite-group-commit.ts) and the audit log: a grouped transaction that appended
// and then rolls back to its savepoint must leave the log as if it never ran, while the group's others commit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/adapters/db/database.ts';
import { beforeCommit } from '../src/adapters/db/commit-hooks.ts';
import { auditDb } from '../src/audit/audit.db.ts';
import { createAuditLog } from '../src/audit/audit.log.ts';
import { loadTerms, openRow } from '../src/audit/audit.event-row.ts';
import { derivedSalt, makeLeaf } from '../src/audit/audit.leaf.ts';
import { SERVER_KEY_ID } from '../src/audit/audit.store.ts';
import { upload } from '../src/audit/audit.test-support.ts';
import { walCommits } from './support/sqlite-wal.ts';

const dirs: string[] = [];
const handles: DatabaseHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close().catch(() => undefined);
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function open() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-group-commit-audit-'));
  dirs.push(dir);
  const file = path.join(dir, 'test.db');
  // No time cap: the six transactions below form one group however slow the machine is.
  const handle = await openDatabase({ url: `sqlite:${file}`, groupCommit: { maxWaitMs: 60_000 } });
  handles.push(handle);
  await sql`pragma wal_autocheckpoint = 0`.execute(handle.db);
  return { db: handle.db, handle, file };
}

describe('the audit log under SQLite group commit', () => {
  it('keeps the audit log right when a grouped transaction rolls back to its savepoint after appending', async () => {
    const { db, handle, file } = await open();
    const clock = { now: () => Date.now() };
    const log = createAuditLog({ features: handle.features, clock });
    const [alice, bob] = ['00000000-0000-7000-8000-00000000000a', '00000000-0000-7000-8000-00000000000b'];
    // Warm the log (keys made, any guess of the log's end cached) before the group.
    await db.transaction().execute(async (trx) => void (await log.record(trx, upload(alice, 0))));
    const before = walCommits(file);
    // Started at once, each yielding first: all six queue for the connection before the first ends.
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        db.transaction().execute(async (trx) => {
          await tick();
          const seqs = [(await log.record(trx, upload(i % 2 ? alice : bob, i))).seq];
          // Two rolled-back members: one fails in its body after two appends (the second deferred to commit), one in a
          // commit hook that runs after the audit log's deferred batch was written.
          if (i === 1 || i === 3) seqs.push((await log.record(trx, upload(null, i))).seq);
          if (i === 1) throw new Error('action 1 failed after appending');
          if (i === 3) await beforeCommit(trx, () => Promise.reject(new Error('hook of 3 refused')));
          return seqs;
        }),
      ),
    );
    expect(walCommits(file) - before).toBe(1);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    // The survivors' seqs follow on densely, in the order they ran: rolled-back seqs were handed out again.
    const kept = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    expect(kept).toEqual([1, 2, 3, 4]);
    // The same log object and a fresh one (another instance) go on from the true end.
    await db.transaction().execute(async (trx) => void (await log.record(trx, upload(bob, 9))));
    const other = createAuditLog({ features: handle.features, clock });
    await db.transaction().execute(async (trx) => void (await other.record(trx, upload(null, 10))));
    const q = auditDb(db);
    const events = await q
      .selectFrom('audit_events as e')
      .leftJoin('audit_owners as o', 'o.no', 'e.owner')
      .selectAll('e')
      .select('o.account_id')
      .orderBy('e.seq')
      .execute();
    const leaves = await q.selectFrom('audit_leaves').selectAll().orderBy('seq').execute();
    const keys = new Map(
      (await q.selectFrom('audit_keys').selectAll().execute()).map((k) => [k.account_id, k.key]),
    );
    expect(events.map((e) => Number(e.seq))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(leaves.map((l) => Number(l.seq))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const [i, e] of events.entries()) {
      const seq = Number(e.seq);
      const event = openRow(e, await loadTerms(q, [e]));
      expect((JSON.parse(event?.text ?? '{}') as { seq: number }).seq).toBe(seq);
      const key = e.account_id === null ? undefined : keys.get(e.account_id);
      if (!key || !event) throw new Error(`event ${seq} cannot be opened`);
      const salt = e.salt ?? derivedSalt(key, seq);
      expect(Buffer.from(leaves[i]?.leaf ?? []).equals(makeLeaf(key, seq, salt, event.text))).toBe(true);
    }
    // Nothing of the rolled-back members reached the file: the one entry with no account is the server's.
    expect(events.filter((e) => e.account_id === SERVER_KEY_ID)).toHaveLength(1);
  });
});
