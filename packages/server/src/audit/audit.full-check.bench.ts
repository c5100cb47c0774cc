// How long the running server's full audit verification holds the event loop (not a test):
//   npx tsx packages/server/src/audit/audit.full-check.bench.ts [entries=100000]
// Builds a SQLite log of that many entries, then runs the start-up pass (verifyOnStart({ full: true }), no turns
// of the event loop in between) and the job's pass (audit.full-check.ts, a turn after every page of 5,000), each
// while a 1 ms timer measures the longest gap the loop went without running it. SHOEBOX_TEST_POSTGRES=url also
// measures PostgreSQL (FULLCHECK_BENCH_DB=postgres: only it), there also once the log is packed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type DatabaseHandle } from '../adapters/db/database.ts';
import { uploadIndexCheck } from '../evidence/evidence.index-check.ts';
import { createLogger } from '../platform/logger.ts';
import { createCheckpointer } from './audit.checkpointer.ts';
import { createAuditFullCheck } from './audit.full-check.ts';
import { createAuditLog } from './audit.log.ts';
import { appendBatch } from './audit.test-support.ts';

const ENTRIES = Number(process.argv[2] ?? 100_000);
const out = (line: string) => process.stdout.write(`${line}\n`);
const clock = { now: () => Date.now() };
const log = createLogger('silent');
const accounts = Array.from(
  { length: 50 },
  (_, i) => `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
);

/** Runs `work` while a 1 ms timer records the longest stretch the event loop did not get to it. */
async function longestGap(work: () => Promise<unknown>): Promise<{ ms: number; gap: number }> {
  let last = performance.now();
  let gap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  clearInterval(timer);
  return { ms, gap: Math.max(gap, performance.now() - last) };
}

async function measure(name: string, handle: DatabaseHandle): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-fullcheck-bench-'));
  // No upload index rows: the derived check still reads its (empty) pages, as on a log of other events.
  const audit = createAuditLog({ features: handle.features, clock });
  const db = { ...handle, url: '', schema: undefined };
  const t0 = performance.now();
  for (let done = 0; done < ENTRIES; done += 1000) await appendBatch(db, audit, accounts, 1000);
  out(`${name}: ${ENTRIES} entries appended in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const checkpointer = createCheckpointer({
    db: handle.db,
    log,
    signerKeyFile: path.join(dir, 'log.key'),
    clock,
    features: handle.features,
  });
  await checkpointer.signNow();
  const derived = uploadIndexCheck;
  const start = await longestGap(() => checkpointer.verifyOnStart({ full: true, derived }));
  out(
    `${name}: start-up full pass ${start.ms.toFixed(0)} ms, event loop held up to ${start.gap.toFixed(0)} ms`,
  );
  const check = createAuditFullCheck({
    readSnapshot: handle.readSnapshot,
    checkpointer,
    audit,
    derived,
    clock,
    log,
  });
  const job = await longestGap(async () => {
    const result = await check.run();
    if (!result.ok) throw new Error(result.problem);
    out(`${name}: job pass reports longestBlockMs ${result.longestBlockMs}`);
  });
  out(`${name}: job full pass ${job.ms.toFixed(0)} ms, event loop held up to ${job.gap.toFixed(0)} ms`);
  // PostgreSQL: the same pass once the signer packed the log (migration 0029), read through the views.
  const t1 = performance.now();
  const packed = await checkpointer.packNow();
  if (packed) {
    out(
      `${name}: packed into ${packed.leafBlocks} leaf and ${packed.eventBlocks} event blocks in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );
    const again = await longestGap(() => checkpointer.verifyOnStart({ full: true, derived }));
    out(
      `${name}: start-up full pass, packed, ${again.ms.toFixed(0)} ms, event loop held up to ${again.gap.toFixed(0)} ms`,
    );
  }
  await handle.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

if (process.env['FULLCHECK_BENCH_DB'] !== 'postgres') {
  const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-fullcheck-db-'));
  await measure('sqlite', await openDatabase({ url: `sqlite:${path.join(sqliteDir, 'bench.db')}` }));
  fs.rmSync(sqliteDir, { recursive: true, force: true });
}
const pgUrl = process.env['SHOEBOX_TEST_POSTGRES'];
if (pgUrl) {
  const schema = `fullcheck_bench_${process.pid}`;
  const handle = await openDatabase({ url: pgUrl, schema });
  try {
    await measure('postgres', handle);
  } finally {
    const cleanup = await openDatabase({ url: pgUrl, migrate: false });
    await cleanup.db.schema.dropSchema(schema).ifExists().cascade().execute();
    await cleanup.close();
  }
}
