// Micro-benchmark of the audit log (not a test): npx tsx packages/server/src/audit/audit.bench.ts
// Env: AUDIT_BENCH_SIZE (default 10000000) for the synthesised proof tree, AUDIT_BENCH_DIR to keep
// and reuse it between runs, SHOEBOX_TEST_POSTGRES to also measure PostgreSQL (skipped if down).
import { dbFeatures } from '../adapters/db/features.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../adapters/db/database.ts';
import { auditMigration } from '../adapters/db/migrations/0006-audit.ts';
import { auditDb, type AuditDb } from './audit.db.ts';
import { createAuditLog } from './audit.log.ts';
import { appendBatch } from './audit.test-support.ts';
import { treeSize } from './audit.tree.ts';
import { proofTimes, synthesise } from './audit.bench-tree.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const SIZE = Number(process.env['AUDIT_BENCH_SIZE'] ?? 10_000_000);
const dir = process.env['AUDIT_BENCH_DIR'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-audit-bench-'));
const accounts = Array.from(
  { length: 50 },
  (_, i) => `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
);

async function open(url: string, schema?: string): Promise<DatabaseHandle> {
  const handle = await openDatabase({ url, ...(schema ? { schema } : {}) });
  try {
    await auditDb(handle.db).selectFrom('audit_keys').select('account_id').limit(1).execute();
  } catch {
    await auditMigration(handle.dialect).up(handle.db);
  }
  return handle;
}

/** Events/s appending `total` events, `perTxn` per transaction. */
async function appendRate(handle: DatabaseHandle, total: number, perTxn: number): Promise<number> {
  const log = createAuditLog({
    features: dbFeatures(handle.dialect),
    clock: { now: () => Date.now() },
  });
  const db = { ...handle, url: '', schema: undefined };
  const started = performance.now();
  for (let done = 0; done < total; done += perTxn) await appendBatch(db, log, accounts, perTxn);
  return total / ((performance.now() - started) / 1000);
}

/** Single-row Kysely inserts/s on the same database: the yardstick for how loaded the machine is. */
async function insertRate(handle: DatabaseHandle, total = 5_000): Promise<number> {
  const db = auditDb(handle.db);
  const started = performance.now();
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < total; i++) {
      await trx
        .insertInto('audit_keys')
        .values({ account_id: `bench-${i}`, key: randomBytes(32), created_at: 0 })
        .execute();
    }
  });
  const rate = total / ((performance.now() - started) / 1000);
  await db.deleteFrom('audit_keys').where('account_id', 'like', 'bench-%').execute();
  return rate;
}

async function sqliteBytes(db: AuditDb, size: number): Promise<{ tree: number; events: number }> {
  const rows = await sql<{
    name: string;
    bytes: number;
  }>`select name, sum(pgsize) as bytes from dbstat group by name`.execute(db);
  const of = (...names: string[]) =>
    rows.rows.filter((r) => names.includes(r.name)).reduce((s, r) => s + Number(r.bytes), 0);
  return {
    tree: of('audit_leaves', 'audit_nodes') / size,
    events: of('audit_events', 'audit_events_account') / size,
  };
}

async function pgBytes(db: AuditDb, size: number): Promise<{ tree: number; events: number }> {
  const of = async (t: string) =>
    Number(
      (await sql<{ b: string }>`select pg_total_relation_size(${t}::regclass) as b`.execute(db)).rows[0]?.b ??
        0,
    );
  await sql`vacuum analyze`.execute(db).catch(() => undefined);
  return {
    tree: ((await of('audit_leaves')) + (await of('audit_nodes'))) / size,
    events: (await of('audit_events')) / size,
  };
}

async function main(): Promise<void> {
  out(
    `node ${process.version}, ${os.cpus().length} cpu, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const sqlite = await open(`sqlite:${path.join(dir, 'appends.db')}`);
  await auditDb(sqlite.db).deleteFrom('audit_leaves').execute();
  out(`sqlite baseline: ${(await insertRate(sqlite)).toFixed(0)} plain single-row inserts/s in one txn`);
  for (const mode of ['FULL', 'NORMAL'] as const) {
    await sql.raw(`pragma synchronous = ${mode}`).execute(sqlite.db);
    out(
      `sqlite synchronous=${mode}: batched (256/txn) ${(await appendRate(sqlite, 51_200, 256)).toFixed(0)} events/s`,
    );
    out(
      `sqlite synchronous=${mode}: one per txn ${(await appendRate(sqlite, 5_000, 1)).toFixed(0)} events/s`,
    );
  }
  const appended = await treeSize(auditDb(sqlite.db));
  const b = await sqliteBytes(auditDb(sqlite.db), appended);
  out(
    `sqlite bytes/entry at ${appended}: tree ${b.tree.toFixed(1)}, events ${b.events.toFixed(1)} (typical upload event)`,
  );
  await sqlite.close();

  const pgUrl = process.env['SHOEBOX_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `audit_bench_${randomBytes(4).toString('hex')}`;
  const pg = await open(pgUrl, schema).catch(() => undefined);
  if (pg) {
    try {
      out(`postgres baseline: ${(await insertRate(pg)).toFixed(0)} plain single-row inserts/s in one txn`);
      out(`postgres: batched (256/txn) ${(await appendRate(pg, 51_200, 256)).toFixed(0)} events/s`);
      out(`postgres: one per txn ${(await appendRate(pg, 5_000, 1)).toFixed(0)} events/s`);
      const size = await treeSize(auditDb(pg.db));
      const pb = await pgBytes(auditDb(pg.db), size);
      out(`postgres bytes/entry at ${size}: tree ${pb.tree.toFixed(1)}, events ${pb.events.toFixed(1)}`);
      await proofTimes(auditDb(pg.db), size, 200);
    } finally {
      await sql.raw(`drop schema ${schema} cascade`).execute(pg.db);
      await pg.close();
    }
  } else out('postgres: not reachable, skipped');

  const big = await open(`sqlite:${path.join(dir, `tree-${SIZE}.db`)}`);
  await synthesise(auditDb(big.db), SIZE, dir);
  const bb = await sqliteBytes(auditDb(big.db), SIZE);
  out(`sqlite tree bytes/entry at ${SIZE}: ${bb.tree.toFixed(1)}`);
  await proofTimes(auditDb(big.db), SIZE);
  await big.close();
  if (!process.env['AUDIT_BENCH_DIR']) fs.rmSync(dir, { recursive: true, force: true });
}

void main().catch((err: unknown) => {
  process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
  process.exit(1);
});
