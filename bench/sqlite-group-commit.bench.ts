// What SQLite group commit buys for one commit per action (not a test):
//   npx tsx bench/sqlite-group-commit.bench.ts
// Env: BENCH_TXNS (transactions per measurement, default 3000), BENCH_WORKERS (default "1,8,16"), BENCH_DIR (where
// the database files go; default a temporary directory on the same disk as os.tmpdir()).
// For each number of concurrent actions W, with group commit off and on (same machine, same run, real files,
// WAL with synchronous=FULL as deployed): one audit record() per transaction (the audit log as wired in the app),
// and the raw ceiling, a transaction with one small insert each.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type DatabaseHandle } from '../packages/server/src/adapters/db/database.ts';
import type { GroupCommitStats } from '../packages/server/src/adapters/db/sqlite-group-commit.ts';
import { createAuditLog } from '../packages/server/src/audit/audit.log.ts';
import { upload } from '../packages/server/src/audit/audit.test-support.ts';
import { concurrentRate } from './lib/concurrent-rate.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const TXNS = Number(process.env['BENCH_TXNS'] ?? 3000);
const WORKERS = (process.env['BENCH_WORKERS'] ?? '1,8,16').split(',').map(Number);
const dir = process.env['BENCH_DIR'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-group-commit-bench-'));
const accounts = Array.from(
  { length: 50 },
  (_, i) => `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
);
const load = () => fs.readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).join(' ');

/** Transactions/s running `txn` TXNS times over `workers` concurrent loops. */
interface Subject {
  label: string;
  h: DatabaseHandle;
  stats: GroupCommitStats | undefined;
  audit: (i: number) => Promise<unknown>;
  insert: (i: number) => Promise<unknown>;
}

let round = 0;

async function subject(label: string, grouped: boolean): Promise<Subject> {
  const stats: GroupCommitStats | undefined = grouped ? { commits: 0, transactions: 0 } : undefined;
  const h = await openDatabase({
    url: `sqlite:${path.join(dir, `${label}.db`)}`,
    groupCommit: stats ? { stats } : false,
  });
  const log = createAuditLog({ features: h.features, clock: { now: () => Date.now() } });
  return {
    label,
    h,
    stats,
    audit: (i) =>
      h.db.transaction().execute((trx) => log.record(trx, upload(accounts[i % accounts.length] ?? null, i))),
    insert: (i) =>
      h.db.transaction().execute((trx) =>
        trx
          .insertInto('settings')
          .values({ key: `bench-${round}-${i}`, value: 'x' })
          .execute(),
      ),
  };
}

async function main(): Promise<void> {
  out(`node ${process.version}, ${os.cpus().length} cpu, ${TXNS} transactions per line, files in ${dir}`);
  out(`load ${load()}; each pair of lines back to back (the load moves)`);
  const subjects = [await subject('ungrouped', false), await subject('grouped', true)];
  try {
    for (const w of WORKERS) {
      for (const what of ['audit', 'insert'] as const) {
        for (const s of subjects) {
          round++;
          const before = { ...(s.stats ?? { commits: 0, transactions: 0 }) };
          const perSecond = await concurrentRate(w, TXNS, s[what]);
          const commits = (s.stats?.commits ?? 0) - before.commits;
          const group = commits
            ? (((s.stats?.transactions ?? 0) - before.transactions) / commits).toFixed(1)
            : '-';
          const label = what === 'audit' ? 'audit record' : 'plain insert';
          out(
            `W=${String(w).padEnd(2)} ${label}, one per transaction, ${s.label.padEnd(9)}: ` +
              `${perSecond.toFixed(0).padStart(6)}/s${s.stats ? `, ${group} txns per real commit` : ''} (load ${load()})`,
          );
        }
      }
    }
  } finally {
    for (const s of subjects) await s.h.close();
  }
  if (!process.env['BENCH_DIR']) fs.rmSync(dir, { recursive: true, force: true });
}

void main().catch((err: unknown) => {
  process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
  process.exit(1);
});
