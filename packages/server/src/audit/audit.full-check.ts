// The full audit verification on a running server: the daily `housekeeping.audit-verify` job and the admin's
// POST /api/admin/audit/verify. Start-up re-derives only what was appended since the signed "verified up to" mark,
// so a row rewritten below it is caught here. One point in time is read (a repeatable-read transaction on
// PostgreSQL, a read transaction on SQLite) while appends go on, and the event loop gets a turn after every page.
// A failure does what a failed start-up check does: no checkpoint is signed any more, /healthz says why, and the
// "verified up to" mark goes, so a restart re-derives everything and refuses to serve.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { toHex } from '@shoebox/shared/merkle/index';
import type { Db, DialectName, Queryable } from '../adapters/db/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { Checkpointer } from './audit.checkpointer.ts';
import { AuditIntegrityError } from './audit.tree.ts';
import type { DerivedCheck } from './audit.verify.ts';
import { VERIFIED_MARK } from './audit.verify-mark.ts';

export interface FullCheckDeps {
  db: Db;
  dialect: DialectName;
  checkpointer: Pick<Checkpointer, 'verifyAll' | 'markVerified' | 'halt'>;
  /** The same derived checks start-up runs (the evidence upload index), reading through the snapshot. */
  derived?: (snapshot: Queryable) => DerivedCheck;
  clock: Clock;
  log: Logger;
}

export interface FullCheckResult {
  ok: boolean;
  /** Entries verified (the log size at the snapshot). */
  size: number;
  /** Tree root at that size, hex; absent when the check failed. */
  root?: string;
  problem?: string;
  startedAt: number;
  durationMs: number;
  /** Longest stretch of the pass between two turns of the event loop (a page of 5,000 entries and its reads). */
  longestBlockMs: number;
}

export function createAuditFullCheck(deps: FullCheckDeps) {
  const { db, dialect, checkpointer, clock, log } = deps;
  let running: Promise<FullCheckResult> | undefined;
  let last: FullCheckResult | undefined;

  async function once(): Promise<FullCheckResult> {
    const startedAt = clock.now();
    const t0 = performance.now();
    let mark = t0;
    let longestBlockMs = 0;
    let size = 0;
    const yielding = (inner?: DerivedCheck): DerivedCheck => ({
      async page(from, to, events) {
        await inner?.page(from, to, events);
        size = to;
        longestBlockMs = Math.max(longestBlockMs, performance.now() - mark);
        await yieldToLoop();
        mark = performance.now();
      },
      async end(n) {
        await inner?.end(n);
        longestBlockMs = Math.max(longestBlockMs, performance.now() - mark);
      },
    });
    const begin = db.transaction();
    const tx = dialect === 'postgres' ? begin.setIsolationLevel('repeatable read') : begin;
    try {
      const head = await tx.execute((trx) => checkpointer.verifyAll(trx, yielding(deps.derived?.(trx))));
      await checkpointer.markVerified(head);
      const result: FullCheckResult = {
        ok: true,
        size: head.size,
        root: toHex(head.root),
        startedAt,
        durationMs: Math.round(performance.now() - t0),
        longestBlockMs: Math.round(longestBlockMs),
      };
      log.info(result, 'audit log fully verified');
      return result;
    } catch (err) {
      if (!(err instanceof AuditIntegrityError)) throw err;
      checkpointer.halt(err.message);
      // The mark vouches for rows that were just found rewritten: without it the next start-up re-derives the
      // whole log, and refuses to serve it like this run refuses to sign.
      await db.deleteFrom('settings').where('key', '=', VERIFIED_MARK).execute();
      const result: FullCheckResult = {
        ok: false,
        size,
        problem: err.message,
        startedAt,
        durationMs: Math.round(performance.now() - t0),
        longestBlockMs: Math.round(longestBlockMs),
      };
      log.error(result, 'audit log full verification failed: no more checkpoints will be signed');
      return result;
    }
  }

  /** Runs the check, or joins the one already running. Rejects only on errors other than tampering. */
  function run(): Promise<FullCheckResult> {
    running ??= once()
      .then((result) => (last = result))
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    run,
    /** The periodic job's body: a failed check fails the job, with the reason for the admin to read. */
    async job(): Promise<void> {
      const result = await run();
      if (!result.ok) throw new AuditIntegrityError(result.problem ?? 'audit log verification failed');
    },
    get last(): FullCheckResult | undefined {
      return last;
    },
  };
}

export type AuditFullCheck = ReturnType<typeof createAuditFullCheck>;
