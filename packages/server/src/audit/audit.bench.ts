// Micro-benchmark of the audit log (not a test): npx tsx packages/server/src/audit/audit.bench.ts
// Env: AUDIT_BENCH_SIZE (default 10000000) for the synthesised proof tree (0 skips it), AUDIT_BENCH_DIR to keep
// and reuse it between runs, SHOEBOX_TEST_POSTGRES to also measure PostgreSQL (skipped if down),
// AUDIT_BENCH_DB=sqlite|postgres|none to measure appends on one database only (none: proofs only), AUDIT_BENCH_TXNS (default 2000) for the
// one-commit-per-action figures.
import { dbFeatures } from '../adapters/db/features.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../adapters/db/database.ts';
import { auditMigration } from '../adapters/db/migrations/0006-audit.ts';
import { evidenceMigration } from '../adapters/db/migrations/0011-evidence.ts';
import { auditAppendMigration } from '../adapters/db/migrations/0018-audit-append.ts';
import { auditConcurrentAppendMigration } from '../adapters/db/migrations/0023-audit-concurrent-append.ts';
import { createTreeExtender } from './audit.extend.ts';
import { auditDb, type AuditDb } from './audit.db.ts';
import { createAuditLog } from './audit.log.ts';
import { appendBatch, upload } from './audit.test-support.ts';
import { proofTimes, synthesise } from './audit.bench-tree.ts';
import { concurrentRate } from '../../../../bench/lib/concurrent-rate.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const SIZE = Number(process.env['AUDIT_BENCH_SIZE'] ?? 10_000_000);
const ONLY = process.env['AUDIT_BENCH_DB'];
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
    // The audit tables as deployed: 0006, the explain index of 0011, 0018 and the concurrent appends of 0023.
    for (const m of [auditMigration, evidenceMigration, auditAppendMigration, auditConcurrentAppendMigration])
      await m(handle.dialect).up(handle.db);
  }
  return handle;
}

/**
 * Events/s appending `total` events, `perTxn` per transaction: 'many' in one recordMany() per transaction (one claim,
 * one write), 'deferred' as record() in a loop (a claim each; rows after the first written together at commit),
 * 'immediate' as record() in a loop without the commit hook (every append written at once, as before migration 0021).
 */
async function appendRate(
  handle: DatabaseHandle,
  total: number,
  perTxn: number,
  mode: 'many' | 'deferred' | 'immediate' = 'deferred',
): Promise<number> {
  const { beforeCommit, ...immediate } = dbFeatures(handle.dialect);
  const log = createAuditLog({
    features: mode === 'immediate' ? immediate : { ...immediate, beforeCommit },
    clock: { now: () => Date.now() },
  });
  const db = { ...handle, url: '', schema: undefined };
  const started = performance.now();
  for (let done = 0; done < total; done += perTxn) {
    if (mode !== 'many') await appendBatch(db, log, accounts, perTxn);
    else
      await handle.db.transaction().execute((trx) =>
        log.recordMany(
          trx,
          Array.from({ length: perTxn }, (_, i) => upload(accounts[(done + i) % accounts.length] ?? null, i)),
        ),
      );
  }
  return total / ((performance.now() - started) / 1000);
}

const TXNS = Number(process.env['AUDIT_BENCH_TXNS'] ?? 2000);
const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Transactions/s running `txn` TXNS times over `workers` concurrent loops (each its own transaction). */
/**
 * One commit per action, W actions at once: each action is its own transaction with one record(), while the signer
 * extends the tree and signs every 200 ms as in production (its rounds are included). Beside it the ceiling: plain
 * single-row inserts committed one by one, W at once (the commit-flush limit of this machine).
 */
async function perActionFigures(label: string, handle: DatabaseHandle): Promise<void> {
  const log = createAuditLog({ features: handle.features, clock: { now: () => Date.now() } });
  const extender = createTreeExtender({
    db: handle.db,
    features: handle.features,
    clock: { now: () => Date.now() },
  });
  // Catch the tree up with what the earlier figures appended, so each line measures only its own appends.
  await extender.extend();
  for (const workers of [1, 8, 16]) {
    const plain = await concurrentRate(workers, TXNS, (i) =>
      handle.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('settings')
          .values({ key: `bench-${workers}-${i}-${randomBytes(4).toString('hex')}`, value: 'x' })
          .execute();
      }),
    );
    let signing = true;
    const signer = (async () => {
      while (signing) {
        await extender.extend();
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const audit = await concurrentRate(workers, TXNS, (i) =>
      handle.db.transaction().execute(async (trx) => {
        await log.record(trx, upload(accounts[i % accounts.length] ?? null, i));
      }),
    );
    signing = false;
    await signer;
    const t0 = performance.now();
    const { size } = await extender.extend();
    out(
      `${label}: one commit per action, ${workers} at once: ${audit.toFixed(0)} events/s (target 2000); plain insert ceiling ${plain.toFixed(0)}/s; tree caught up to ${size} in ${(performance.now() - t0).toFixed(0)} ms (load ${loadavg()})`,
    );
  }
  await handle.db.deleteFrom('settings').where('key', 'like', 'bench-%').execute();
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

/** Bytes per entry of each audit table and index (keys and checkpoints are per account / per second: left out). */
type Sizes = { name: string; bytes: number }[];

function report(label: string, rows: Sizes, size: number): void {
  const per = (names: (n: string) => boolean) =>
    rows.filter((r) => names(r.name)).reduce((s, r) => s + Number(r.bytes), 0) / size;
  const tree = per((n) => n.startsWith('audit_leaves') || n.startsWith('audit_nodes'));
  const events = per((n) => n.startsWith('audit_events'));
  const parts = rows
    .filter((r) => !/keys|checkpoints/.test(r.name))
    .map((r) => `${r.name} ${(Number(r.bytes) / size).toFixed(1)}`)
    .join(', ');
  out(
    `${label} bytes/entry at ${size}: total ${(tree + events).toFixed(1)} (tree ${tree.toFixed(1)}, events ${events.toFixed(1)}; target 200)`,
  );
  out(`  ${parts}`);
}

async function sqliteBytes(db: AuditDb): Promise<Sizes> {
  const rows = await sql<{ name: string; bytes: number }>`select name, sum(pgsize) as bytes from dbstat
    where name like 'audit%' or name like 'sqlite_autoindex_audit%' group by name`.execute(db);
  return rows.rows;
}

async function pgBytes(db: AuditDb): Promise<Sizes> {
  await sql`vacuum analyze`.execute(db).catch(() => undefined);
  const rows = await sql<{ name: string; bytes: string }>`select c.relname as name,
      case c.relkind when 'r' then pg_table_size(c.oid) else pg_relation_size(c.oid) end as bytes
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relname like 'audit%' and c.relkind in ('r', 'i')
    order by c.relname`.execute(db);
  return rows.rows.map((r) => ({ name: r.name, bytes: Number(r.bytes) }));
}

async function sqlitePart(): Promise<void> {
  const sqlite = await open(`sqlite:${path.join(dir, 'appends.db')}`);
  for (const t of ['audit_events', 'audit_leaves', 'audit_nodes', 'audit_checkpoints', 'audit_tree'] as const)
    await auditDb(sqlite.db).deleteFrom(t).execute();
  out(`sqlite baseline: ${(await insertRate(sqlite)).toFixed(0)} plain single-row inserts/s in one txn`);
  for (const mode of ['FULL', 'NORMAL'] as const) {
    await sql.raw(`pragma synchronous = ${mode}`).execute(sqlite.db);
    out(
      `sqlite synchronous=${mode}: batched (256/txn, one recordMany) ${(await appendRate(sqlite, 51_200, 256, 'many')).toFixed(0)} events/s (target 5000)`,
    );
    out(
      `sqlite synchronous=${mode}: batched (256/txn, record() in a loop) ${(await appendRate(sqlite, 51_200, 256)).toFixed(0)} events/s`,
    );
    out(
      `sqlite synchronous=${mode}: one per txn ${(await appendRate(sqlite, 5_000, 1)).toFixed(0)} events/s (target 2000)`,
    );
  }
  await sql.raw('pragma synchronous = FULL').execute(sqlite.db);
  await perActionFigures('sqlite synchronous=FULL', sqlite);
  const appended = await createTreeExtender({ db: sqlite.db, clock: { now: () => Date.now() } })
    .extend()
    .then((r) => r.size);
  report('sqlite (typical upload event)', await sqliteBytes(auditDb(sqlite.db)), appended);
  await sqlite.close();
}

async function postgresPart(): Promise<void> {
  const pgUrl = process.env['SHOEBOX_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `audit_bench_${randomBytes(4).toString('hex')}`;
  const pg = await open(pgUrl, schema).catch(() => undefined);
  if (!pg) {
    out('postgres: not reachable, skipped');
    return;
  }
  try {
    out(`postgres baseline: ${(await insertRate(pg)).toFixed(0)} plain single-row inserts/s in one txn`);
    out(
      `postgres: batched (256/txn, one recordMany) ${(await appendRate(pg, 51_200, 256, 'many')).toFixed(0)} events/s (target 5000)`,
    );
    out(
      `postgres: batched (256/txn, record() in a loop) ${(await appendRate(pg, 25_600, 256)).toFixed(0)} events/s`,
    );
    out(`postgres: one per txn ${(await appendRate(pg, 5_000, 1)).toFixed(0)} events/s (target 2000)`);
    out(
      `postgres: batched (256/txn, record() in a loop), each append written at once ${(await appendRate(pg, 25_600, 256, 'immediate')).toFixed(0)} events/s`,
    );
    await perActionFigures('postgres', pg);
    const size = await createTreeExtender({
      db: pg.db,
      features: pg.features,
      clock: { now: () => Date.now() },
    })
      .extend()
      .then((r) => r.size);
    report('postgres (typical upload event)', await pgBytes(auditDb(pg.db)), size);
    await proofTimes(auditDb(pg.db), size, 200);
    // The same proofs once the signer packed the log (migration 0029): leaves read from their blocks.
    const packed = await pg.features.auditPack?.(pg.db, size, Date.now() + 1);
    if (packed) {
      out(`postgres: packed into ${packed.leafBlocks} leaf and ${packed.eventBlocks} event blocks`);
      report('postgres packed', await pgBytes(auditDb(pg.db)), size);
      await proofTimes(auditDb(pg.db), size, 200);
    }
  } finally {
    await sql.raw(`drop schema ${schema} cascade`).execute(pg.db);
    await pg.close();
  }
}

async function main(): Promise<void> {
  out(
    `node ${process.version}, ${os.cpus().length} cpu, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  if (ONLY !== 'postgres' && ONLY !== 'none') await sqlitePart();
  if (ONLY !== 'sqlite' && ONLY !== 'none') await postgresPart();
  if (SIZE > 0) await proofPart();
  if (!process.env['AUDIT_BENCH_DIR']) fs.rmSync(dir, { recursive: true, force: true });
}

async function proofPart(): Promise<void> {
  const big = await open(`sqlite:${path.join(dir, `tree-${SIZE}.db`)}`);
  await synthesise(auditDb(big.db), SIZE, dir);
  report('sqlite synthesised tree (no events)', await sqliteBytes(auditDb(big.db)), SIZE);
  await proofTimes(auditDb(big.db), SIZE);
  await big.close();
}

void main().catch((err: unknown) => {
  process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
  process.exit(1);
});
