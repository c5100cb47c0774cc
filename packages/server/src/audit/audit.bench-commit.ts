// What one commit per action costs on PostgreSQL, and what group commit would buy (not a test):
//   npx tsx packages/server/src/audit/audit.bench-commit.ts
// Env: SHOEBOX_TEST_POSTGRES, AUDIT_BENCH_WORKERS (concurrent transactions, default 8), AUDIT_BENCH_TXNS (default
// 2000 per measurement). Measures, in a scratch schema:
//   - plain single-row inserts committed one by one, one connection and WORKERS connections (the commit-flush
//     ceiling, and how much PostgreSQL's own group commit adds when nothing serialises the commits);
//   - audit appends one per transaction through the real AuditLog (each claims its own seq and writes its event and
//     leaf in one call, audit_append_one(); nothing serialises the commits), at 1, WORKERS and 4 x WORKERS
//     transactions at once; then the same through the two-call path (claim, then write) that preceded it;
//   - with pgbench, when installed: the same two transactions (BEGIN, the insert or the audit_append_one() call with a
//     real event's body and text, COMMIT) run by PostgreSQL's own C client, WORKERS clients: what the server does
//     when Node's side costs nothing.
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../adapters/db/database.ts';
import { createAuditLog } from './audit.log.ts';
import { upload } from './audit.test-support.ts';
import { auditDb } from './audit.db.ts';
import { concurrentRate } from '../../../../bench/lib/concurrent-rate.ts';
import { pgbenchRate } from '../../../../bench/lib/pgbench.ts';
import { textAroundSeq } from './audit.append-one.ts';
import { kindCode } from './audit.kind-codes.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const WORKERS = Number(process.env['AUDIT_BENCH_WORKERS'] ?? 8);
const TXNS = Number(process.env['AUDIT_BENCH_TXNS'] ?? 2000);
const accounts = Array.from(
  { length: 50 },
  (_, i) => `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
);

/** Transactions/s running `txn` TXNS times over `workers` concurrent loops. */
async function plainInsert(h: DatabaseHandle, i: number): Promise<void> {
  await h.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('settings')
      .values({ key: `bench-${i}-${randomBytes(4).toString('hex')}`, value: 'x' })
      .execute();
  });
}

/** The real AuditLog; `twoCalls`: without audit_append_one() (claim, then write: the path before migration 0027). */
function currentDesign(h: DatabaseHandle, twoCalls = false) {
  const { auditAppendOne: _oneCall, ...withoutOneCall } = h.features;
  const features = twoCalls ? withoutOneCall : h.features;
  const log = createAuditLog({ features, clock: { now: () => Date.now() } });
  return (i: number) =>
    h.db.transaction().execute(async (trx) => {
      await log.record(trx, upload(accounts[i % accounts.length] ?? null, i));
    });
}

const UPLOAD = kindCode('photo.uploaded');
const hex = (b: Uint8Array | null) => `decode('${Buffer.from(b ?? []).toString('hex')}', 'hex')`;

/** pgbench scripts for a plain insert and for one audit append of a real upload event (a random known owner). */
async function pgbenchScripts(h: DatabaseHandle): Promise<[string, string][]> {
  const q = auditDb(h.db);
  const { body } = await q
    .selectFrom('audit_events')
    .select('body')
    .where('kind', '=', UPLOAD)
    .limit(1)
    .executeTakeFirstOrThrow();
  const { n } = await q
    .selectFrom('audit_owners')
    .select((e) => e.fn.max('no').as('n'))
    .executeTakeFirstOrThrow();
  const { before, after } = textAroundSeq(Date.now(), upload(accounts[0] ?? null, 0));
  const plain = `begin;\ninsert into settings (key, value) values (md5(random()::text), 'x');\ncommit;\n`;
  const append = `\\set n random(1, ${n})\nbegin;\nselect audit_append_one(o.account_id, o.no,
    substring(sha256(k.key) from 1 for 16), ${Date.now()}::bigint, ${UPLOAD}::smallint, ${hex(body)}, ${hex(before)},
    ${hex(after)}) from audit_owners o join audit_keys k using (account_id) where o.no = :n;\ncommit;\n`;
  return [
    ['pgbench: plain single-row insert, one commit each', plain],
    ['pgbench: audit append, one per transaction', append.replace(/\n\s+/g, ' ')],
  ];
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
    const lineOf = (label: string, rate: () => number | null) => {
      const r = rate();
      out(
        `${label}, ${WORKERS} at once: ${r === null ? 'pgbench not installed' : `${r.toFixed(0)}/s`} (load ${load()})`,
      );
    };
    const line = async (label: string, workers: number, txn: (i: number) => Promise<void>) =>
      out(
        `${label}, ${workers} at once: ${(await concurrentRate(workers, TXNS, txn)).toFixed(0)}/s (load ${load()})`,
      );
    await line('plain single-row insert, one commit each', 1, (i) => plainInsert(h, i));
    await line('plain single-row insert, one commit each', WORKERS, (i) => plainInsert(h, i));
    await line('plain single-row insert, one commit each', 4 * WORKERS, (i) => plainInsert(h, i));
    for (const workers of [1, WORKERS, 4 * WORKERS])
      await line('audit append, one per transaction', workers, currentDesign(h));
    for (const workers of [1, WORKERS, 4 * WORKERS])
      await line('audit append, two calls (before migration 0027)', workers, currentDesign(h, true));
    for (const [label, script] of await pgbenchScripts(h))
      lineOf(label, () => pgbenchRate({ url, schema, script, clients: WORKERS, seconds: 10 }));
  } finally {
    await sql.raw(`drop schema ${schema} cascade`).execute(auditDb(h.db));
    await h.close();
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
  process.exit(1);
});
