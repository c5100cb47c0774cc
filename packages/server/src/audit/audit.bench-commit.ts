// What one commit per action costs on PostgreSQL, and what group commit would buy (not a test):
//   npx tsx packages/server/src/audit/audit.bench-commit.ts
// Env: SHOEBOX_TEST_POSTGRES, AUDIT_BENCH_WORKERS (concurrent transactions, default 8), AUDIT_BENCH_TXNS (default
// 2000 per measurement). Measures, in a scratch schema:
//   - plain single-row inserts committed one by one, one connection and WORKERS connections (the commit-flush
//     ceiling, and how much PostgreSQL's own group commit adds when nothing serialises the commits);
//   - audit appends one per transaction with the current design (the log's lock is held through each commit
//     flush), one and WORKERS at once;
//   - the writes of the proposed design (b) (seq from a SEQUENCE under a per-seq advisory lock, event + leaf only,
//     the key row share-locked against a concurrent forget; node hashes left to the signer), WORKERS at once.
import os from 'node:os';
import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../adapters/db/database.ts';
import { createAuditLog } from './audit.log.ts';
import { commitment, seqBytes } from './audit.leaf.ts';
import { upload } from './audit.test-support.ts';
import { auditDb } from './audit.db.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const WORKERS = Number(process.env['AUDIT_BENCH_WORKERS'] ?? 8);
const TXNS = Number(process.env['AUDIT_BENCH_TXNS'] ?? 2000);
const accounts = Array.from(
  { length: 50 },
  (_, i) => `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
);

/** Transactions/s running `txn` TXNS times over `workers` concurrent loops. */
async function rate(workers: number, txn: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let i = next++; i < TXNS; i = next++) await txn(i);
    }),
  );
  return TXNS / ((performance.now() - started) / 1000);
}

async function plainInsert(h: DatabaseHandle, i: number): Promise<void> {
  await h.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('settings')
      .values({ key: `bench-${i}-${randomBytes(4).toString('hex')}`, value: 'x' })
      .execute();
  });
}

function currentDesign(h: DatabaseHandle) {
  const log = createAuditLog({ features: h.features, clock: { now: () => Date.now() } });
  return (i: number) =>
    h.db.transaction().execute(async (trx) => {
      await log.record(trx, upload(accounts[i % accounts.length] ?? null, i));
    });
}

async function proposedDesign(h: DatabaseHandle) {
  await sql`create sequence if not exists bench_audit_seq start 1000000000`.execute(h.db);
  const keys = new Map<string, Buffer>();
  for (const a of accounts) {
    const key = randomBytes(32);
    keys.set(a, key);
    await sql`insert into audit_keys (account_id, key, created_at) values (${a}, ${key}, 0)
      on conflict (account_id) do update set key = excluded.key`.execute(h.db);
  }
  return (i: number) =>
    h.db.transaction().execute(async (trx) => {
      const owner = accounts[i % accounts.length] ?? '';
      const key = keys.get(owner) ?? Buffer.alloc(32);
      // Round trip 1: the seq, locked by this transaction until it ends (a hole is a seq whose lock is free).
      const { rows } = await sql<{
        seq: number;
      }>`select s as seq from (select nextval('bench_audit_seq') s) x,
        lateral (select pg_advisory_xact_lock(hashtext(current_schema()) # 1, (s % 2147483647)::int)) l`.execute(
        trx,
      );
      const seq = Number(rows[0]?.seq);
      const event = JSON.stringify({ v: 1, seq, kind: 'photo.uploaded', body: upload(owner, i).body });
      const salt = randomBytes(16);
      const leaf = Buffer.concat([
        createHmac('sha256', key).update(seqBytes(seq)).digest(),
        commitment(salt, event),
      ]);
      // Round trip 2: event and leaf, only while the key row is still there (share-locked until commit).
      await sql`with k as (select 1 from audit_keys where account_id = ${owner} and key = ${key} for share),
        e as (insert into audit_events (seq, account_id, kind, body, salt, created_at)
          select ${seq}, ${owner}, 'photo.uploaded', ${event}, ${salt}, 0 from k returning seq)
        insert into audit_leaves (seq, leaf) select seq, ${leaf} from e`.execute(trx);
    });
}

async function main(): Promise<void> {
  const url = process.env['SHOEBOX_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `audit_bench_${randomBytes(4).toString('hex')}`;
  const h = await openDatabase({ url, schema });
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  out(`node ${process.version}, ${os.cpus().length} cpu, load ${load()}, ${TXNS} transactions per line`);
  try {
    const line = async (label: string, workers: number, txn: (i: number) => Promise<void>) =>
      out(`${label}, ${workers} at once: ${(await rate(workers, txn)).toFixed(0)}/s (load ${load()})`);
    await line('plain single-row insert, one commit each', 1, (i) => plainInsert(h, i));
    await line('plain single-row insert, one commit each', WORKERS, (i) => plainInsert(h, i));
    await line('audit append, current design, one per transaction', 1, currentDesign(h));
    await line('audit append, current design, one per transaction', WORKERS, currentDesign(h));
    await line('audit append writes of design (b), one per transaction', WORKERS, await proposedDesign(h));
    await line('audit append writes of design (b), one per transaction', 1, await proposedDesign(h));
  } finally {
    await sql.raw(`drop schema ${schema} cascade`).execute(auditDb(h.db));
    await h.close();
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
  process.exit(1);
});
