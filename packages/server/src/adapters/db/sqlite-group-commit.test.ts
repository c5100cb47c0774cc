// Group commit on real SQLite files. Real COMMITs are counted in the WAL file itself (commit frames), which the
// driver cannot fake; what other connections see is read through a second, independent better-sqlite3 connection.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setImmediate as tick } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle, type Db, type Tx } from './database.ts';
import { beforeCommit } from './commit-hooks.ts';
import type { GroupCommitOptions } from './sqlite-group-commit.ts';
import { walCommits } from '../../../test/support/sqlite-wal.ts';

const dirs: string[] = [];
const handles: DatabaseHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close().catch(() => undefined);
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A migrated database file; the WAL is never checkpointed so every commit stays countable in it. */
async function open(groupCommit: boolean | GroupCommitOptions = { maxWaitMs: 60_000 }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-group-commit-'));
  dirs.push(dir);
  const file = path.join(dir, 'test.db');
  const handle = await openDatabase({ url: `sqlite:${file}`, groupCommit });
  handles.push(handle);
  await sql`pragma wal_autocheckpoint = 0`.execute(handle.db);
  return { db: handle.db, handle, file };
}

/** Keys of `prefix` as another connection sees the file now (committed data only). */
function committedKeys(file: string, prefix: string): string[] {
  const other = new SQLite(file, { readonly: true });
  try {
    return (
      other.prepare('select key from settings where key like ? order by key').all(`${prefix}%`) as {
        key: string;
      }[]
    ).map((r) => r.key);
  } finally {
    other.close();
  }
}

const put = (q: Db | Tx, key: string) => q.insertInto('settings').values({ key, value: 'x' }).execute();
const key = (prefix: string, i: number) => `${prefix}${String(i).padStart(2, '0')}`;

/**
 * `n` transactions started at once. Each first yields to the event loop, so all have queued for the connection
 * before the first one ends: they form one group unless a cap splits it.
 */
function concurrent<T>(db: Db, n: number, body: (trx: Tx, i: number) => Promise<T>) {
  return Promise.allSettled(
    Array.from({ length: n }, (_, i) =>
      db.transaction().execute(async (trx) => {
        await tick();
        return body(trx, i);
      }),
    ),
  );
}

describe('SQLite group commit', () => {
  it('commits transactions that queued together with one real COMMIT (and one each without grouping)', async () => {
    for (const [groupCommit, expected] of [
      [{ maxWaitMs: 60_000 }, 1],
      [{ maxWaitMs: 60_000, maxTransactions: 4 }, 4],
      [false, 16],
    ] as const) {
      const { db, file } = await open(groupCommit);
      const before = walCommits(file);
      const results = await concurrent(db, 16, (trx, i) => put(trx, key('g-', i)));
      expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
      expect(walCommits(file) - before).toBe(expected);
      expect(committedKeys(file, 'g-')).toHaveLength(16);
    }
  });

  it('commits a lone transaction at once, and one after another each with its own COMMIT', async () => {
    const { db, file } = await open({ maxWaitMs: 60_000 });
    const before = walCommits(file);
    const started = performance.now();
    await db.transaction().execute((trx) => put(trx, 'lone-1'));
    expect(performance.now() - started).toBeLessThan(5_000);
    // Durable and visible to others when the commit resolves.
    expect(walCommits(file) - before).toBe(1);
    expect(committedKeys(file, 'lone-')).toEqual(['lone-1']);
    for (let i = 2; i <= 5; i++) await db.transaction().execute((trx) => put(trx, `lone-${i}`));
    expect(walCommits(file) - before).toBe(5);
  });

  it('rolls a failing transaction back alone (the first of the group included) while the others commit', async () => {
    const { db, file } = await open();
    const before = walCommits(file);
    const results = await concurrent(db, 8, async (trx, i) => {
      await put(trx, key('f-', i));
      if (i === 0 || i === 3) throw new Error(`action ${i} failed`);
      // A failing statement caught by the action does not end its transaction or anyone else's.
      if (i === 5) await put(trx, key('f-', 4)).catch(() => undefined);
      return i;
    });
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'action 0 failed',
      1,
      2,
      'action 3 failed',
      4,
      5,
      6,
      7,
    ]);
    expect(committedKeys(file, 'f-')).toEqual([1, 2, 4, 5, 6, 7].map((i) => key('f-', i)));
    expect(walCommits(file) - before).toBe(1);
  });

  it('rejects every transaction of a group whose real COMMIT fails, and goes on afterwards', async () => {
    const { db, file } = await open();
    // A deferred foreign key is checked only by the real COMMIT: releasing a savepoint does not check it.
    await sql`create table gc_parent (id integer primary key)`.execute(db);
    await sql`create table gc_child (id integer primary key,
      parent integer references gc_parent (id) deferrable initially deferred)`.execute(db);
    const before = walCommits(file);
    const results = await concurrent(db, 6, async (trx, i) => {
      await put(trx, key('c-', i));
      if (i === 2) await sql`insert into gc_child (id, parent) values (1, 42)`.execute(trx);
    });
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect(String((r as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    }
    expect(walCommits(file) - before).toBe(0);
    expect(committedKeys(file, 'c-')).toEqual([]);
    expect(await db.selectFrom('settings').select('key').where('key', 'like', 'c-%').execute()).toEqual([]);
    // The connection is out of the failed transaction: the next ones commit normally.
    await db.transaction().execute((trx) => put(trx, 'c-after'));
    expect(committedKeys(file, 'c-')).toEqual(['c-after']);
    // A lone transaction failing at COMMIT fails alone, as before grouping.
    await expect(
      db.transaction().execute((trx) => sql`insert into gc_child (id, parent) values (2, 43)`.execute(trx)),
    ).rejects.toThrow(/FOREIGN KEY/);
    await db.transaction().execute((trx) => put(trx, 'c-after-2'));
    expect(committedKeys(file, 'c-')).toEqual(['c-after', 'c-after-2']);
  });

  it('rejects the waiting transactions of a group when SQLite itself rolls back the real transaction', async () => {
    const { db, file } = await open();
    await put(db, 'x-taken');
    const before = walCommits(file);
    // OR ROLLBACK: a conflict ends the whole real transaction, not just the statement or the savepoint.
    const results = await concurrent(db, 6, async (trx, i) => {
      await put(trx, key('x-', i));
      if (i === 2)
        await sql`insert or rollback into settings (key, value) values ('x-taken', 'y')`.execute(trx);
    });
    expect(results.map((r) => (r.status === 'fulfilled' ? 'ok' : String(r.reason)))).toEqual([
      expect.stringMatching(/rolled back the group/),
      expect.stringMatching(/rolled back the group/),
      expect.stringMatching(/UNIQUE/),
      'ok',
      'ok',
      'ok',
    ]);
    expect(committedKeys(file, 'x-')).toEqual(['x-03', 'x-04', 'x-05', 'x-taken']);
    expect(walCommits(file) - before).toBe(1);
  });

  it('never shows a group’s uncommitted data to a plain query or a transaction asking for isolation', async () => {
    const { db, file } = await open();
    await sql`create table gc_parent (id integer primary key)`.execute(db);
    await sql`create table gc_child (id integer primary key,
      parent integer references gc_parent (id) deferrable initially deferred)`.execute(db);
    const count = (q: Db | Tx) =>
      q
        .selectFrom('settings')
        .select('key')
        .where('key', 'like', 'r-%')
        .execute()
        .then((rows) => rows.length);
    for (const doomed of [false, true]) {
      const prefix = doomed ? 'r-doomed-' : 'r-ok-';
      let observers!: Promise<[{ n: number; committed: number }, { n: number; committed: number }]>;
      const group = concurrent(db, 4, async (trx, i) => {
        // Started once the other three have queued: the observers wait behind them, and get the connection while
        // the group's real transaction is still open.
        if (i === 0)
          observers = Promise.all([
            count(db).then((n) => ({ n, committed: committedKeys(file, 'r-').length })),
            db
              .transaction()
              .setIsolationLevel('repeatable read')
              .execute(async (r) => ({ n: await count(r), committed: committedKeys(file, 'r-').length })),
          ]);
        await put(trx, key(prefix, i));
        if (doomed && i === 3) await sql`insert into gc_child (id, parent) values (1, 42)`.execute(trx);
      });
      const settled = await group;
      const [query, reader] = await observers;
      expect(settled.every((r) => r.status === (doomed ? 'rejected' : 'fulfilled'))).toBe(true);
      // What they saw was committed, on the file, by the time they saw it; a doomed group they never saw.
      expect(query).toEqual({ n: 4, committed: 4 });
      expect(reader).toEqual({ n: 4, committed: 4 });
    }
  });

  it('runs commit hooks at the end of each transaction; a throwing hook rolls back its transaction alone', async () => {
    const { db, file } = await open();
    const before = walCommits(file);
    const order: string[] = [];
    const results = await concurrent(db, 5, async (trx, i) => {
      order.push(`body ${i}`);
      await put(trx, key('h-body-', i));
      expect(
        await beforeCommit(trx, async () => {
          order.push(`hook ${i}`);
          await put(trx, key('h-hook-', i));
          if (i === 2) throw new Error('hook refused');
        }),
      ).toBe(true);
    });
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(order).toEqual([0, 1, 2, 3, 4].flatMap((i) => [`body ${i}`, `hook ${i}`]));
    expect(committedKeys(file, 'h-')).toEqual([
      ...[0, 1, 3, 4].map((i) => key('h-body-', i)),
      ...[0, 1, 3, 4].map((i) => key('h-hook-', i)),
    ]);
    expect(walCommits(file) - before).toBe(1);
  });

  it('keeps savepoints of controlled transactions and transactions inside db.connection() working', async () => {
    const { db, file } = await open();
    const controlled = (async () => {
      await tick();
      const trx = await db.startTransaction().execute();
      await put(trx, 's-kept');
      const sp = await trx.savepoint('inner').execute();
      await put(sp, 's-undone');
      await sp.rollbackToSavepoint('inner').execute();
      await sp.releaseSavepoint('inner').execute();
      await sp.commit().execute();
    })();
    const viaConnection = db.connection().execute(async (conn) => {
      await conn.transaction().execute((trx) => put(trx, 's-conn-txn'));
      // Still usable after its transaction committed (it may have waited for its group meanwhile).
      return count(conn);
    });
    const others = concurrent(db, 3, (trx, i) => put(trx, key('s-other-', i)));
    const count = (q: Db) =>
      q
        .selectFrom('settings')
        .select('key')
        .where('key', 'like', 's-%')
        .execute()
        .then((r) => r.length);
    await controlled;
    expect(await viaConnection).toBeGreaterThanOrEqual(2);
    expect((await others).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(committedKeys(file, 's-')).toEqual([
      's-conn-txn',
      's-kept',
      's-other-00',
      's-other-01',
      's-other-02',
    ]);
  });

  it('reopens the file with every acknowledged commit after the process is killed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-group-commit-kill-'));
    dirs.push(dir);
    const file = path.join(dir, 'kill.db');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'sqlite-group-commit.kill-child.ts'), file],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const acknowledged: string[] = [];
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('ack ')) acknowledged.push(line.slice(4));
        // Killed mid-stream, with transactions in flight and a group probably open.
        if (acknowledged.length >= 300 && child.exitCode === null) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    expect(child.signalCode).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);
    const reopened = await openDatabase({ url: `sqlite:${file}` });
    handles.push(reopened);
    const stored = new Set(
      (await reopened.db.selectFrom('settings').select('key').where('key', 'like', 'k-%').execute()).map(
        (r) => r.key,
      ),
    );
    expect(acknowledged.filter((k) => !stored.has(k))).toEqual([]);
  }, 60_000);
});
