// The full audit verification on a running server: the daily `housekeeping.audit-verify` job and the admin's
// POST /api/admin/audit/verify. Start-up re-derives only what was appended since the signed "verified up to" mark,
// so a row rewritten below it is caught here. One point in time is read (the adapter's snapshot reader: a
// repeatable-read transaction on PostgreSQL, a read transaction on a second, read-only connection on SQLite, so the
// single writer keeps committing) while appends go on, and the event loop gets a turn after every page.
// A failure halts signing on every instance through the database (audit.halt.ts): /healthz says why everywhere, and
// the "verified up to" mark goes, so a restart re-derives everything and refuses to serve. Only an admin's run
// that passes, over a snapshot that already held the halt, clears it, and says so on the log.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { toHex } from '@shoebox/shared/merkle/index';
import type { Queryable, ReadSnapshot } from '../adapters/db/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { Principal } from '../platform/principal.ts';
import type { Checkpointer } from './audit.checkpointer.ts';
import type { OpenHalt } from './audit.halt.ts';
import { actorOf, type AuditRecorder } from './audit.recorder.ts';
import { AuditIntegrityError } from './audit.tree.ts';
import type { DerivedCheck } from './audit.verify.ts';
import type { VerifiedHead } from './audit.verify-mark.ts';

export interface FullCheckDeps {
  readSnapshot: ReadSnapshot;
  checkpointer: Pick<Checkpointer, 'verifyAll' | 'markVerified' | 'halts'>;
  /** Records an admin's clearing of a signing halt on the log. */
  audit: AuditRecorder;
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
  /** The signing halt this (admin's) run cleared. */
  cleared?: OpenHalt;
  /** Why signing is still halted after the run, if it is. */
  halted?: string;
}

/** One pass, with what a clearing needs: the head it vouched for and the halt its snapshot held. */
interface Pass {
  result: FullCheckResult;
  head?: VerifiedHead;
  halt?: OpenHalt;
}

export function createAuditFullCheck(deps: FullCheckDeps) {
  const { readSnapshot, checkpointer, clock, log } = deps;
  const { halts } = checkpointer;
  let running: Promise<Pass> | undefined;
  let last: FullCheckResult | undefined;

  async function once(): Promise<Pass> {
    const startedAt = clock.now();
    const t0 = performance.now();
    let mark = t0;
    let longestBlockMs = 0;
    let size = 0;
    const yielding = (inner?: DerivedCheck): DerivedCheck => ({
      async page(from, to, events, terms) {
        await inner?.page(from, to, events, terms);
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
    try {
      // The halt is read in the same snapshot: a pass may clear only a halt that was already there to see.
      const { head, halt } = await readSnapshot(async (trx) => ({
        halt: await halts.openIn(trx),
        head: await checkpointer.verifyAll(trx, yielding(deps.derived?.(trx))),
      }));
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
      return halt ? { result, head, halt } : { result, head };
    } catch (err) {
      if (!(err instanceof AuditIntegrityError)) throw err;
      // With the halt goes the mark that vouched for the rewritten rows: the next start-up re-derives everything.
      await halts.raise(err.message);
      const result: FullCheckResult = {
        ok: false,
        size,
        problem: err.message,
        startedAt,
        durationMs: Math.round(performance.now() - t0),
        longestBlockMs: Math.round(longestBlockMs),
      };
      log.error(result, 'audit log full verification failed: no more checkpoints will be signed');
      return { result };
    }
  }

  /** Clears the halt the passing pass saw, on the admin's say-so, with its record on the admin's own log. */
  async function clearAs(admin: Principal, pass: Pass): Promise<OpenHalt | undefined> {
    const { head, halt } = pass;
    if (!head || !halt) return undefined;
    return halts.clear(halt, head, admin.account.id, (trx, cleared) =>
      deps.audit.record(trx, {
        accountId: admin.account.id,
        kind: 'audit.halt-cleared',
        body: {
          ...actorOf(admin),
          haltId: cleared.id,
          reason: cleared.reason,
          verifiedSize: head.size,
          root: toHex(head.root),
          ip: admin.ip,
        },
      }),
    );
  }

  /**
   * Runs the check, or joins the one already running. Rejects only on errors other than tampering. With `admin`
   * (the operator's explicit request), a pass also clears the signing halt its snapshot held.
   */
  async function run(admin?: Principal): Promise<FullCheckResult> {
    running ??= once()
      .then((pass) => {
        last = pass.result;
        return pass;
      })
      .finally(() => {
        running = undefined;
      });
    const pass = await running;
    const cleared = admin ? await clearAs(admin, pass) : undefined;
    // What the signing rounds last saw may be up to a round old: answer with the halt as it stands now.
    const halted = await halts.refresh();
    return { ...pass.result, ...(cleared ? { cleared } : {}), ...(halted ? { halted } : {}) };
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
